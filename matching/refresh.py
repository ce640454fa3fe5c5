"""Suggestions kept fresh: when a profile, posting or group changes, the groups it may affect
are recomputed in the background, new suggestions are stored (SuggestionSeen) and the
coordinators of each group's region are told in real time. Candidates are never told.

The writers below (groups, volunteers, partners) only announce their changes
(portal.changes); `on_changes`, subscribed in MatchingConfig.ready, works out after commit
which groups those changes may affect.

Debounced: a change marks each affected group "pending" in the cache (Redis in production,
shared by web and worker processes) and enqueues one delayed task; later changes inside the
delay find the mark and enqueue nothing, so a burst of edits costs one recompute. The task
clears the marks before it reads, so a change made while it runs schedules another run.
"""

import logging
from collections import defaultdict

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groups.models import CorrectionGroup, SuggestionSeen
from matching.suggest import suggestions_for_groups
from partners.models import JobPlacement, Programme
from portal.changes import Changes
from portal.models import Region
from volunteers.models import VolunteerProfile

log = logging.getLogger(__name__)
DEBOUNCE_SECONDS = 5
PENDING_TTL = 120  # a lost task must not block refreshes for long
BATCH = 500
MOST_GROUPS = 5000  # a change refreshes at most this many groups (nearest first)
PER_KIND = 5
# What, in the words of portal.changes, alters whom matching suggests for a group. Any change
# to a job or programme counts (opened, closed, places, area).
SUBSCRIBED = (
    "groups.CorrectionGroup",
    "volunteers.VolunteerProfile",
    "partners.JobPlacement",
    "partners.Programme",
)
GROUP_CHANGES = {"created", "updated", "members", "reopened"}
PROFILE_CHANGES = {"vetting", "clearance"}
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


def groups_for_profiles(profile_ids) -> list[int]:
    """People were vetted, suspended or cleared: the groups of the regions they serve."""
    if not profile_ids:
        return []
    served = VolunteerProfile.regions.through.objects.filter(volunteerprofile_id__in=profile_ids)
    return groups_near(set(served.values_list("region__path", flat=True)))


def groups_for_postings(*, job_ids=(), programme_ids=()) -> list[int]:
    """Jobs or programmes changed: the groups of the counties they work in (a job in one
    office's area may suit the county's other offices too)."""
    places = set()
    if job_ids:
        links = JobPlacement.work_locations.through.objects.filter(jobplacement_id__in=job_ids)
        places.update(links.values_list("region__path", flat=True))
    if programme_ids:
        links = Programme.regions.through.objects.filter(programme_id__in=programme_ids)
        places.update(links.values_list("region__path", flat=True))
    return groups_near({Region.path_at_level(p, Region.Level.COUNTY) or p for p in places})


def on_changes(changes: Changes) -> None:
    """After a commit: refresh the groups whose suggestions the announced changes may alter
    (portal.changes subscriber). Already after commit, so the refresh is queued at once."""
    group_ids = set(changes.ids("groups.CorrectionGroup", what=GROUP_CHANGES))
    group_ids.update(
        groups_for_profiles(changes.ids("volunteers.VolunteerProfile", what=PROFILE_CHANGES))
    )
    group_ids.update(
        groups_for_postings(
            job_ids=changes.ids("partners.JobPlacement"),
            programme_ids=changes.ids("partners.Programme"),
        )
    )
    if group_ids:
        _enqueue(sorted(group_ids))


def refresh_groups(group_ids: list[int]) -> int:
    """Recompute suggestions of the groups, store the new ones and tell the coordinators.
    Returns how many new suggestions were found."""
    cache.delete_many([pending_key(gid) for gid in group_ids])
    news = []
    with translation.override("zh-hans"):
        for start in range(0, len(group_ids), BATCH):
            groups = list(
                _active_groups()
                .filter(pk__in=group_ids[start : start + BATCH])
                # The offence too: group_facts reads it, one query a group otherwise.
                .select_related("judicial_office", "offence")
            )
            news += _store(suggestions_for_groups(groups, per_kind=PER_KIND, explained=False))
        # Told once the whole refresh is stored: a coordinator of many of the groups hears of
        # them in one summary (_tell_all).
        _tell_all(news)
    return sum(len(fresh) for _group, fresh in news)


def _store(results) -> list:
    """Store the suggestions not seen before; [(group, [new Suggestion])] for groups with any."""
    if not results:
        return []
    seen = set(
        SuggestionSeen.objects.filter(group__in=[g for g, _ in results]).values_list(
            "group_id", "candidate_kind", "candidate_id"
        )
    )
    news = []
    for group, lists in results:
        fresh = [s for kind in lists for s in lists[kind] if (group.pk, s.kind, s.id) not in seen]
        if fresh:
            news.append((group, fresh))
    _insert_seen([(group.pk, s.kind, s.id, s.score) for group, fresh in news for s in fresh])
    return news


def _insert_seen(rows: list[tuple[int, str, int, float]]) -> None:
    """Store (group id, kind, candidate id, score) rows as seen now; a row another refresh
    stored meanwhile is left as it is. A county's first refresh stores some 30,000: on
    PostgreSQL they go as four arrays in one INSERT (0.8 s where bulk_create, building a model
    instance and its values for each, took 1.9 s on the bench database)."""
    if not rows:
        return
    now = timezone.now()
    if connection.vendor != "postgresql":
        SuggestionSeen.objects.bulk_create(
            [SuggestionSeen(group_id=g, candidate_kind=k, candidate_id=c, score=s, first_seen=now)
             for g, k, c, s in rows],
            ignore_conflicts=True,
        )  # fmt: skip
        return
    meta, quote = SuggestionSeen._meta, connection.ops.quote_name
    columns = ", ".join(
        quote(meta.get_field(name).column)
        for name in ("group", "candidate_kind", "candidate_id", "score", "first_seen")
    )
    groups, kinds, ids, scores = (list(column) for column in zip(*rows, strict=True))
    # Only the model's own names, quoted, go into the text; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT g, k, c, s, %s"  # noqa: S608
        " FROM UNNEST(%s::bigint[], %s::text[], %s::bigint[], %s::float8[]) AS r(g, k, c, s)"
        " ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, groups, kinds, ids, scores])


# A coordinator with new suggestions for more groups than this in one refresh (a new job in a
# county reaches its 2,000 groups) gets one summary pointing to the region overview, not a
# notification per group.
SUMMARY_AFTER = 3


@transaction.atomic
def _tell_all(news) -> None:
    if not news:
        return
    coordinators = _coordinators([g for g, _ in news])
    groups_of = defaultdict(list)  # coordinator -> [(group, fresh)]
    for group, fresh in news:
        for uid in coordinators(group):
            groups_of[uid].append((group, fresh))
    one_by_one = defaultdict(list)  # group pk -> coordinators told of that group alone
    for uid, theirs in sorted(groups_of.items()):
        if len(theirs) > SUMMARY_AFTER:
            _tell_summary(uid, theirs)
        else:
            for group, _fresh in theirs:
                one_by_one[group.pk].append(uid)
    for group, fresh in news:
        _tell(group, fresh, one_by_one.get(group.pk, []))


def _coordinators(groups):
    """user ids of the coordinators covering each group's office, one query for all."""
    from portal.models import StaffRole

    roles = list(
        StaffRole.objects.filter(
            role=StaffRole.Role.COORDINATOR,
            region__path__in=Region.paths_above_all(g.judicial_office.path for g in groups),
        ).values_list("user_id", "region__path")
    )

    def of(group):
        return sorted({uid for uid, path in roles if group.judicial_office.path.startswith(path)})

    return of


def _url(group) -> str:
    return reverse("matching:suggestions", args=[group.code])


def _tell_summary(user_id: int, news) -> None:
    from messaging.services.notifications import notify

    count = sum(len(fresh) for _group, fresh in news)
    codes = "、".join(group.code for group, _fresh in news[:10])
    notify(
        recipients=[user_id],
        kind="matching.new_suggestions",
        title=_("%(count)d new suggestions for %(groups)d groups")
        % {"count": count, "groups": len(news)},
        body=codes + ("…" if len(news) > 10 else ""),
        url=reverse("matching:region"),
    )


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
