"""Every read of alerts a page needs, scoped to the person asking: coordinators see the alerts of
the regions they coordinate (and those they sent), recipients their own row, nobody else
anything; views answer 404 so an alert's existence does not leak."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from alerts.models import Alert, Recipient
from portal import rights
from portal.models import Region, User
from portal.prepared import Prepared, columns, split_row

# How many acknowledgements the report page lists (the workbook has them all).
REPORT_ROWS = 500


def may_send(user: User) -> bool:
    return user.is_authenticated and rights.has_right(user, rights.ALERTS_SEND)


def sendable_regions(user: User) -> QuerySet[Region]:
    """Where the user may send alerts: the regions they coordinate and everything beneath."""
    return rights.regions_with(user, rights.ALERTS_SEND).order_by("path")


def alerts_managed_by(user: User) -> QuerySet[Alert]:
    """The alerts a user may follow and close: those they sent, and every alert of the regions
    they coordinate (all of them for admins)."""
    alerts = Alert.objects.select_related("sender", "region", "group")
    if not user.is_authenticated:
        return alerts.none()
    if user.is_superuser:
        return alerts
    regions = rights.regions_with(user, rights.ALERTS_SEND)
    return alerts.filter(Q(sender=user) | Q(region__in=regions.values("pk")))


def alert_for_manager(user: User, alert_id: int) -> Alert:
    alert = alerts_managed_by(user).filter(pk=alert_id).first()
    if alert is None:
        raise Http404
    return alert


# The banner's rows, as select_related("alert__sender", "alert__region") read them: every
# field of each model, so nothing the banner, the socket's payload or the marking touches is
# read later. (path to the model from a recipient, model, its fields)
_BANNER_COLUMNS = [
    (prefix, model, columns(model))
    for prefix, model in (
        ("", Recipient),
        ("alert__", Alert),
        ("alert__sender__", User),
        ("alert__region__", Region),
    )
]


def _open_recipients_query(user_id: int):
    return (
        Recipient.objects.filter(
            user_id=user_id, acknowledged_at__isnull=True, alert__status=Alert.Status.SENT
        )
        .order_by("alert__created_at", "alert_id")
        .values_list(*(prefix + name for prefix, _, names in _BANNER_COLUMNS for name in names))
    )


# Read on every signed-in page, which almost always finds nothing: building the queryset (three
# joins, every column) cost more Python than the database took to answer, so it is compiled
# once per process (portal.prepared).
_OPEN_RECIPIENTS = Prepared(_open_recipients_query, user_id=-7_204_821)  # no user has a negative id


def open_recipients_of(user: User) -> list[Recipient]:
    """The person's alerts still waiting for their acknowledgement, oldest first, each with its
    alert and the alert's sender and region: the banner on every page (one query, on the partial
    index of unacknowledged rows)."""
    if not user.is_authenticated:
        return []
    found = []
    for row in _OPEN_RECIPIENTS.rows(user_id=user.pk):
        recipient, alert, sender, region = split_row([m for _, m, _ in _BANNER_COLUMNS], row)
        alert.sender, alert.region = sender, region
        recipient.alert = alert
        found.append(recipient)
    return found


def recipient_of(user: User, alert_id: int) -> Recipient:
    """The person's own row of an alert, with the alert; 404 for anyone it did not reach."""
    recipient = (
        Recipient.objects.filter(user=user, alert_id=alert_id)
        .select_related("alert__sender", "alert__region")
        .first()
        if user.is_authenticated
        else None
    )
    if recipient is None:
        raise Http404
    return recipient


def board_groups(alert: Alert) -> QuerySet:
    """One row per group the alert reached (and one for staff outside any group), with counts;
    for paging the board."""
    return (
        Recipient.objects.filter(alert=alert)
        .values("group_id", "group__code")
        .annotate(
            total=Count("pk"),
            acknowledged=Count("acknowledged_at"),
            delivered=Count("delivered_at"),
        )
        .order_by("group__code", "group_id")
    )


def board_people(alert: Alert, group_ids: list[int | None]) -> list[Recipient]:
    """Everyone the alert reached in these groups (None: staff outside any group)."""
    in_groups = Q(group_id__in=[g for g in group_ids if g is not None])
    if None in group_ids:
        in_groups |= Q(group__isnull=True)
    return list(
        Recipient.objects.filter(in_groups, alert=alert)
        .select_related("user")
        .order_by("group_id", "acknowledged_at", "user__display_name", "pk")
    )


def acknowledgements(alert: Alert, *, limit: int = REPORT_ROWS) -> list[Recipient]:
    """Who acknowledged and when, first first (the report's timeline). Each row is given the
    alert it belongs to: joining it would copy the kept report into every row."""
    rows = list(
        Recipient.objects.filter(alert=alert, acknowledged_at__isnull=False)
        .select_related("user", "group")
        .order_by("acknowledged_at", "pk")[:limit]
    )
    for row in rows:
        row.alert = alert
    return rows


def acknowledgements_all(alert: Alert) -> QuerySet[Recipient]:
    """Every acknowledgement, first first, for the workbook (read in chunks)."""
    return (
        Recipient.objects.filter(alert=alert, acknowledged_at__isnull=False)
        .select_related("user", "group")
        .order_by("acknowledged_at", "pk")
    )


def everyone(alert: Alert) -> QuerySet[Recipient]:
    """Every recipient with their group, for the workbook."""
    return (
        Recipient.objects.filter(alert=alert)
        .select_related("user", "group")
        .order_by("group__code", "role", "pk")
    )
