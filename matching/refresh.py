"""Suggestions kept fresh: when a profile, posting or group changes, the groups it may affect
are recomputed in the background, new suggestions are stored (SuggestionSeen) and the
coordinators of each group's region are told in real time. Candidates are never told.

Debounced: a change marks each affected group "pending" in the cache (Redis in production,
shared by web and worker processes) and enqueues one delayed task; later changes inside the
delay find the mark and enqueue nothing, so a burst of edits costs one recompute. The task
clears the marks before it reads, so a change made while it runs schedules another run.
"""

import logging

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groups.models import CorrectionGroup, SuggestionSeen
from matching.candidates import ancestor_paths
from matching.suggest import suggestions_for_groups

log = logging.getLogger(__name__)
DEBOUNCE_SECONDS = 5
PENDING_TTL = 120  # a lost task must not block refreshes for long
BATCH = 500
MOST_GROUPS = 5000  # a change refreshes at most this many groups (nearest first)
PER_KIND = 5
KIND_LABELS = {
    "social_worker": gettext_lazy("social worker"),
    "volunteer": gettext_lazy("volunteer"),
    "job": gettext_lazy("job"),
    "programme": gettext_lazy("programme"),
}


def pending_key(group_id: int) -> str:
    return f"matching:refresh:pending:{group_id}"


def refresh_soon(group_ids) -> None:
    """After the current transaction commits, refresh these groups' suggestions (debounced)."""
    group_ids = sorted(set(group_ids))
    if group_ids:
        transaction.on_commit(lambda: _enqueue(group_ids))


def _enqueue(group_ids: list[int]) -> None:
    from matching.tasks import suggestions_refresh

    fresh = [gid for gid in group_ids if cache.add(pending_key(gid), 1, timeout=PENDING_TTL)]
    if not fresh:
        return
    try:
        suggestions_refresh.apply_async(args=[fresh], countdown=DEBOUNCE_SECONDS)
    except Exception:  # the broker is down: the next change will try again
        log.warning("suggestions refresh not queued for %d groups", len(fresh), exc_info=True)
        cache.delete_many([pending_key(gid) for gid in fresh])


def _active_groups():
    return CorrectionGroup.objects.filter(status=CorrectionGroup.Status.ACTIVE)


def groups_near(paths) -> list[int]:
    """Active groups whose judicial office lies in one of the regions."""
    scope = Q()
    for path in sorted(set(paths)):
        scope |= Q(judicial_office__path__startswith=path)
    if not paths:
        return []
    return list(_active_groups().filter(scope).order_by("pk").values_list("pk", flat=True)[
        :MOST_GROUPS])  # fmt: skip


def refresh_for_profile(profile) -> None:
    """A person's profile changed (vetted, suspended, cleared, skills, regions...)."""
    paths = list(profile.regions.values_list("path", flat=True))
    refresh_soon(groups_near(paths))


def refresh_for_posting(posting) -> None:
    """A job or programme changed: the groups of the counties it works in."""
    places = posting.work_locations if hasattr(posting, "work_locations") else posting.regions
    paths = [p[:12] if len(p) > 12 else p for p in places.values_list("path", flat=True)]
    refresh_soon(groups_near(paths))


def refresh_groups(group_ids: list[int]) -> int:
    """Recompute suggestions of the groups, store the new ones and tell the coordinators.
    Returns how many new suggestions were found."""
    cache.delete_many([pending_key(gid) for gid in group_ids])
    found = 0
    for start in range(0, len(group_ids), BATCH):
        groups = list(
            _active_groups()
            .filter(pk__in=group_ids[start : start + BATCH])
            .select_related("judicial_office")
        )
        with translation.override("zh-hans"):
            found += _store_and_tell(
                suggestions_for_groups(groups, per_kind=PER_KIND, explained=False)
            )
    return found


def _store_and_tell(results) -> int:
    if not results:
        return 0
    seen = set(
        SuggestionSeen.objects.filter(group__in=[g for g, _ in results]).values_list(
            "group_id", "candidate_kind", "candidate_id"
        )
    )
    new_rows, news = [], []
    for group, lists in results:
        fresh = [s for kind in lists for s in lists[kind] if (group.pk, s.kind, s.id) not in seen]
        if fresh:
            news.append((group, fresh))
            new_rows += [
                SuggestionSeen(
                    group=group, candidate_kind=s.kind, candidate_id=s.id, score=s.score
                )  # fmt: skip
                for s in fresh
            ]
    if not new_rows:
        return 0
    with transaction.atomic():
        SuggestionSeen.objects.bulk_create(new_rows, ignore_conflicts=True)
        coordinators = _coordinators([g for g, _ in news])
        for group, fresh in news:
            _tell(group, fresh, coordinators(group))
    return len(new_rows)


def _coordinators(groups):
    """user ids of the coordinators covering each group's office, one query for all."""
    from portal.models import StaffRole

    roles = list(
        StaffRole.objects.filter(
            role=StaffRole.Role.COORDINATOR,
            region__path__in=ancestor_paths({g.judicial_office.path for g in groups}),
        ).values_list("user_id", "region__path")
    )

    def of(group):
        return sorted({uid for uid, path in roles if group.judicial_office.path.startswith(path)})

    return of


def _url(group) -> str:
    return reverse("matching:suggestions", args=[group.code])


def _tell(group, fresh, recipients) -> None:
    from messaging.services.notifications import notify

    if not recipients:
        return
    names = "、".join(f"{s.label}（{KIND_LABELS[s.kind]}）" for s in fresh[:5])
    notify(
        recipients=recipients,
        kind="matching.new_suggestions",
        title=_("%(count)d new suggestions for group %(code)s")
        % {"count": len(fresh), "code": group.code},
        body=names,
        url=_url(group),
    )
