"""The numbers of an alert: how many were reached, how fast they acknowledged (median, share
within five minutes), per group and per role, and the previous alert of the same kind in the
same region to compare with. Drills are only ever compared with drills, real alerts with real
alerts. Each function costs a fixed number of queries, whatever the number of recipients."""

import statistics
from collections import defaultdict

from django.db.models import Count, Max, Min
from django.utils import timezone

from alerts.models import Alert, Recipient

WITHIN_SECONDS = 5 * 60
COUNTED = ("sent", "delivered", "opened", "acknowledged", "emailed", "lead_reminded")


def _iso(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _seconds(alert: Alert, moment) -> float:
    return (moment - alert.created_at).total_seconds()


def _speed(seconds: list[float], total: int) -> dict:
    within = sum(1 for s in seconds if s <= WITHIN_SECONDS)
    return {
        "median_seconds": round(statistics.median(seconds), 1) if seconds else None,
        "within_5min": within,
        "within_5min_share": round(within / total, 4) if total else None,
    }


def summary(alert: Alert) -> dict:
    """Counts of each step, the speed of acknowledgement and the timeline's moments (2 queries)."""
    counts = Recipient.objects.filter(alert=alert).aggregate(
        total=Count("pk"),
        **{name: Count(f"{name}_at") for name in COUNTED},
        first_push=Min("sent_at"),
        first_delivered=Min("delivered_at"),
        first_acknowledged=Min("acknowledged_at"),
        last_acknowledged=Max("acknowledged_at"),
        first_email=Min("emailed_at"),
        first_lead_reminder=Min("lead_reminded_at"),
    )
    moments = {k: _iso(counts.pop(k)) for k in list(counts) if k.startswith(("first", "last"))}
    seconds = [
        _seconds(alert, at)
        for at in Recipient.objects.filter(alert=alert, acknowledged_at__isnull=False)
        .order_by("acknowledged_at")
        .values_list("acknowledged_at", flat=True)
    ]
    return {
        **counts,
        **_speed(seconds, counts["total"]),
        "waiting": counts["total"] - counts["acknowledged"],
        "sent_at": _iso(alert.created_at),
        "closed_at": _iso(alert.closed_at),
        "moments": moments,
        # The board's live figures start from these (alerts/static/alerts/board.js).
        "ack_seconds": [round(s, 1) for s in seconds],
    }


def previous(alert: Alert) -> dict | None:
    """The region's previous alert of the same kind (drill or real), in figures."""
    before = (
        Alert.objects.filter(
            region=alert.region, is_drill=alert.is_drill, created_at__lt=alert.created_at
        )
        .exclude(pk=alert.pk)
        .order_by("-created_at", "-pk")
        .first()
    )
    if before is None:
        return None
    figures = before.report["summary"] if before.report else summary(before)
    return {
        "id": before.pk,
        "sent_at": _iso(before.created_at),
        "total": figures["total"],
        "acknowledged": figures["acknowledged"],
        "median_seconds": figures["median_seconds"],
        "within_5min_share": figures["within_5min_share"],
    }


def breakdown(alert: Alert) -> tuple[list[dict], list[dict]]:
    """Per group and per role: how many, how many acknowledged, how fast (1 query)."""
    by_group = defaultdict(lambda: {"total": 0, "seconds": []})
    by_role = defaultdict(lambda: {"total": 0, "seconds": []})
    rows = Recipient.objects.filter(alert=alert).values_list(
        "group_id", "group__code", "role", "acknowledged_at"
    )
    for group_id, code, role, acknowledged_at in rows:
        for bucket in (by_group[(code or "", group_id)], by_role[role]):
            bucket["total"] += 1
            if acknowledged_at:
                bucket["seconds"].append(_seconds(alert, acknowledged_at))
    groups = [
        {"group": code, "total": b["total"], "acknowledged": len(b["seconds"]),
         **_speed(b["seconds"], b["total"])}
        for (code, _id), b in sorted(by_group.items())
    ]  # fmt: skip
    ordered_roles = [r for r in Recipient.Role.values if r in by_role]
    per_role = [
        {"role": role, "total": by_role[role]["total"],
         "acknowledged": len(by_role[role]["seconds"]),
         **_speed(by_role[role]["seconds"], by_role[role]["total"])}
        for role in ordered_roles
    ]  # fmt: skip
    return groups, per_role


def report(alert: Alert) -> dict:
    """The after-action figures kept with a closed alert (Alert.report)."""
    groups, roles = breakdown(alert)
    return {
        "summary": summary(alert),
        "previous": previous(alert),
        "groups": groups,
        "roles": roles,
    }
