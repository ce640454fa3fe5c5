"""Every read of correction groups, scoped to the user asking (DESIGN.md, "Privacy by design").

Coordinators see the groups of their region and below; members see the groups they are in;
everyone else sees nothing, and views answer 404 so a group's existence does not leak.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groups.models import CorrectionGroup, GroupNeed, Membership, Need, Stage
from portal import services as portal_services
from portal.converters import parse_int
from portal.models import AuditEvent, Region, StaffRole, User
from portal.selectors import covers_path, regions_covered_by

COORDINATOR = StaffRole.Role.COORDINATOR
# How the group's timeline names each audited change.
TIMELINE_LABELS = {
    "group.created": _("created the group"),
    "group.updated": _("changed the group's details"),
    "group.member_added": _("added a member"),
    "group.member_removed": _("removed a member"),
    "group.access_ended": _("ended a member's access (suspended, clearance withdrawn, or left)"),
    "group.lead_changed": _("handed over the lead"),
    "group.closed": _("closed the group"),
    "group.reopened": _("reopened the group"),
    "group.learner_created": _("created the learner account"),
    "group.learner_login_reissued": _("re-issued the learner's login"),
    "group.suggestion_accepted": _("accepted a suggestion"),
    "group.suggestion_declined": _("declined a suggestion"),
    "group.stage_changed": _("moved the group to the stage “%(stage)s” by its dates"),
    "group.end_reminded": _("reminded the lead and coordinators to close the group"),
    "group.consent_recorded": _("recorded the person's consent to a referral"),
    "group.consent_withdrawn": _("recorded the withdrawal of a consent to referrals"),
}
# Roles that see the restrictions' details and take part in casework decisions.
CASEWORK_ROLES = {Membership.Role.LEAD, Membership.Role.SOCIAL_WORKER}


def _active_membership(user: User):
    return Membership.objects.filter(group=OuterRef("pk"), user=user, left_at__isnull=True)


def groups_coordinated_by(user: User) -> QuerySet[CorrectionGroup]:
    """The groups in the regions where the user is a coordinator (all of them for admins)."""
    if not user.is_authenticated:
        return CorrectionGroup.objects.none()
    if user.is_superuser:
        return CorrectionGroup.objects.all()
    return CorrectionGroup.objects.filter(
        judicial_office__in=regions_covered_by(user, role=COORDINATOR)
    )


def groups_visible_to(user: User) -> QuerySet[CorrectionGroup]:
    if not user.is_authenticated:
        return CorrectionGroup.objects.none()
    if user.is_superuser:
        return CorrectionGroup.objects.all()
    return CorrectionGroup.objects.filter(
        Q(judicial_office__in=regions_covered_by(user, role=COORDINATOR))
        | Q(Exists(_active_membership(user)))
    )


def group_list_for_coordinator(user: User) -> QuerySet[CorrectionGroup]:
    """The groups of the coordinator's list, with has_volunteer for its filter; what a card
    shows is read for one page's rows only (group_cards)."""
    return groups_coordinated_by(user).annotate(has_volunteer=_has_volunteer())


def _has_volunteer() -> Exists:
    """Whether the group (OuterRef) has an active volunteer."""
    return Exists(
        Membership.objects.filter(
            group=OuterRef("pk"), left_at__isnull=True, role=Membership.Role.VOLUNTEER
        )
    )


def group_list_page(rows: QuerySet[CorrectionGroup], number, per_page: int, needs=None) -> Page:
    """The page `number` (as asked, Paginator.get_page's rules) of `rows` (the coordinator's
    list, filtered and ordered), its cards made by group_cards.

    Past the first page, the page's ids and the exact total come in one query (COUNT(*) OVER ()
    on the same scan): the total and a deep page's ids each made the database join and sort
    every matching group, twice (page 50 of a province: ~7 ms each, #20). The first page keeps
    its own count, as its ids come cheaply off the newest-first index. A number past the end, or
    not a number, takes Paginator.get_page's way (the last page, the first)."""
    paginator = Paginator(rows, per_page)
    # ASCII digits only ("²" is a digit to str.isdigit), and no page past a million: anything
    # else takes get_page's way below.
    asked = parse_int(number, low=1, high=1_000_000)
    if asked is not None and asked > 1:
        start = (asked - 1) * per_page
        found = list(
            rows.annotate(list_total=Window(Count("pk"))).values_list("pk", "list_total")[
                start : start + per_page
            ]
        )
        if found:
            paginator.count = found[0][1]  # a cached_property: the total known, not asked again
            page = paginator.page(asked)
            page.object_list = group_cards([pk for pk, _total in found], needs)
            return page
    page = paginator.get_page(number)
    page.object_list = group_cards(page.object_list, needs)
    return page


def group_cards(page_rows, needs=None) -> list[CorrectionGroup]:
    """One page of the coordinator's list, with each card's text (with_card_text), in two
    queries. `page_rows`: a slice of group_list_for_coordinator (ordered), or the page's ids in
    their order.

    The slice picks the page's ids only; the joins and the per-group counts are made for those
    25 rows, not for every row the database sorts and skips before them: page 50 of a
    province's list read 1,250 rows with all their columns and counts for 25 (#20). The rows
    need no scope again: the slice's own query (or the ids') has it. `needs`: the Need rows by
    pk, if the caller has read them."""
    if isinstance(page_rows, QuerySet):
        ids, order = page_rows.values("pk"), page_rows.query.order_by
    else:
        ids, order = page_rows, ()
    groups = list(
        CorrectionGroup.objects.filter(pk__in=ids)
        .select_related("judicial_office", "offence")
        .annotate(
            has_volunteer=_has_volunteer(),
            # A correlated count, not a JOIN + GROUP BY.
            member_count=Coalesce(
                Subquery(
                    Membership.objects.filter(group=OuterRef("pk"), left_at__isnull=True)
                    .order_by()
                    .values("group")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
        )
        .order_by(*order)
    )
    if not order:
        position = {pk: i for i, pk in enumerate(ids)}
        groups.sort(key=lambda group: position[group.pk])
    return with_card_text(groups, needs)


def with_card_text(groups: list[CorrectionGroup], needs=None) -> list[CorrectionGroup]:
    """The lines each card of the coordinator's list shows, made here as text (escaped by the
    template as one value): a dozen lookups, filters and tags per card in the template cost
    a list page more than its queries (#20). `groups` come from group_cards. The needs of the
    groups are read as ids (one light query) and named from `needs` (Need rows by pk)."""
    if needs is None:
        needs = {need.pk: need for need in Need.objects.all()}
    by_group = {}
    for group_id, need_id, priority in (
        GroupNeed.objects.filter(group_id__in=[group.pk for group in groups])
        .order_by()
        .values_list("group_id", "need_id", "priority")
    ):
        by_group.setdefault(group_id, []).append((priority, needs[need_id]))
    juvenile = gettext("juvenile")
    planned = gettext("Planned end %(end)s · %(members)s members")
    # The choices' words, translated once a page: get_FOO_display() hashes the field's choices
    # on every call, two calls a card (about 1 ms a page, #20).
    stages, levels = (
        {value: str(label) for value, label in CorrectionGroup._meta.get_field(name).flatchoices}
        for name in ("stage", "supervision_level")
    )
    for group in groups:
        meta = [
            group.judicial_office.name,
            stages.get(group.stage, group.stage),
            levels.get(group.supervision_level, group.supervision_level),
            str(group.offence),
        ]
        if group.is_juvenile:
            meta.append(juvenile)
        # GroupNeed's own order: priority, then the need's position.
        group_needs = sorted(
            by_group.get(group.pk, ()), key=lambda pn: (pn[0], pn[1].position, pn[1].code)
        )
        group.card_url = reverse("groups:detail", args=[group.code])
        group.card_meta = " · ".join(meta)
        group.card_needs = "、".join(str(need) for _priority, need in group_needs)
        group.card_planned = planned % {
            "end": group.planned_end_date.isoformat() if group.planned_end_date else "",
            "members": group.member_count,
        }
    return groups


def groups_ending_within(queryset, days: int):
    today = timezone.localdate()
    return queryset.filter(
        status=CorrectionGroup.Status.ACTIVE,
        planned_end_date__gte=today,
        planned_end_date__lte=today + timedelta(days=days),
    )


def my_groups(user: User) -> QuerySet[Membership]:
    """The user's memberships, current first, with their groups."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user)
        .select_related("group__judicial_office", "group__offence")
        .order_by("left_at", "-joined_at")
    )


@dataclass(frozen=True)
class GroupAccess:
    """What one user may see and do in one group."""

    is_coordinator: bool
    role: str | None  # the user's active role in the group, if any

    @property
    def sees_restricted(self) -> bool:
        """Case notes: the lead and coordinators only."""
        return self.is_coordinator or self.role == Membership.Role.LEAD

    @property
    def sees_restrictions(self) -> bool:
        """The details of restrictions and execution area: casework roles and coordinators."""
        return self.is_coordinator or self.role in CASEWORK_ROLES

    @property
    def sees_timeline(self) -> bool:
        return self.is_coordinator or self.role in CASEWORK_ROLES

    @property
    def manages_members(self) -> bool:
        return self.is_coordinator or self.role == Membership.Role.LEAD

    @property
    def hands_over_lead(self) -> bool:
        return self.is_coordinator or self.role == Membership.Role.LEAD

    @property
    def edits(self) -> bool:
        return self.is_coordinator

    @property
    def chats(self) -> bool:
        """The group's chat room is its active members' (messaging.selectors.chat_access)."""
        return self.role is not None

    @property
    def closes(self) -> bool:
        return self.is_coordinator


def group_for_user(
    user: User, code: str, *, audit: bool = True
) -> tuple[CorrectionGroup, GroupAccess]:
    """The group with this code if the user may see it, with their access; 404 otherwise.

    Reading a group's detail is itself audited.
    """
    # The user's role in the group comes with the group, in its one query, and whether they
    # coordinate it is read off its judicial office's path against the roles already read (two
    # queries fewer on every group page and action, #20). These two are what groups_visible_to
    # asks (its active membership, its region scope), so the group is looked up by its code
    # alone and the scope checked on them here: the same rule, built and compiled once.
    if not user.is_authenticated:
        raise Http404
    group = (
        CorrectionGroup.objects.select_related("judicial_office", "offence", "created_by")
        .filter(code=code)
        .annotate(access_role=Subquery(_active_membership(user).values("role")[:1]))
        .first()
    )
    if group is None:
        raise Http404
    coordinates = _coordinates(user, group.judicial_office)
    if not (coordinates or group.access_role is not None):
        raise Http404
    if audit:
        group_read_audit(user, group)
    return group, GroupAccess(is_coordinator=coordinates, role=group.access_role)


def _coordinates(user: User, office: Region) -> bool:
    """Whether the office is in a region the user coordinates."""
    return covers_path(user, office.path, role=COORDINATOR)


def group_read_audit(user: User, group: CorrectionGroup) -> None:
    """One audit row for a read of the group's record: its page, or any other page that shows
    its restricted fields (the edit form shows the case notes)."""
    portal_services.audit_record(
        actor=user, action="group.viewed", target=group, region=group.judicial_office
    )


def group_learner(group: CorrectionGroup) -> Membership | None:
    """The group's current learner membership, with the account (None before one is made)."""
    return (
        group.memberships.filter(role=Membership.Role.LEARNER, left_at__isnull=True)
        .select_related("user")
        .first()
    )


def _timeline_label(event: AuditEvent) -> str:
    label = TIMELINE_LABELS.get(event.action, event.action)
    if event.action == "group.stage_changed":
        stage = event.data.get("to")
        return label % {"stage": Stage(stage).label if stage in Stage.values else stage}
    return label


def group_page_data(group: CorrectionGroup, access: GroupAccess) -> dict:
    """Everything the group page shows, in a fixed number of queries."""
    memberships = list(
        group.memberships.select_related("user").order_by("left_at", "role", "joined_at")
    )
    data = {
        "needs": list(group.group_needs.select_related("need")),
        "members": [m for m in memberships if m.left_at is None],
        "past_members": [m for m in memberships if m.left_at is not None]
        if access.sees_timeline
        else [],
    }
    if access.is_coordinator:
        # The learner's login, for the coordinators who issue it: when it was last used.
        data["learner"] = next(
            (m for m in data["members"] if m.role == Membership.Role.LEARNER), None
        )
    if access.sees_restrictions:
        data["forbidden_industries"] = list(group.forbidden_industries.all())
        data["approved_regions"] = list(group.approved_regions.all())
    if access.sees_timeline:
        timeline = list(
            AuditEvent.objects.filter(
                object_type=ContentType.objects.get_for_model(CorrectionGroup),
                object_id=str(group.pk),
            )
            .exclude(action="group.viewed")
            .select_related("actor")[:50]
        )
        for event in timeline:
            event.label = _timeline_label(event)
        data["timeline"] = timeline
    return data


def leads_and_coordinators(group_ids) -> dict[int, list[int]]:
    """For each group: the user ids of its current lead and of the coordinators over its
    judicial office (who are told of what the group's casework needs). Three queries for any
    number of groups."""
    groups = list(
        CorrectionGroup.objects.filter(pk__in=group_ids).values_list("pk", "judicial_office__path")
    )
    leads = dict(
        Membership.objects.filter(
            group_id__in=[pk for pk, _path in groups],
            role=Membership.Role.LEAD,
            left_at__isnull=True,
        ).values_list("group_id", "user_id")
    )
    paths = {p for _pk, path in groups for p in Region.paths_above_all([path])}
    by_path = {}
    for path, user_id in StaffRole.objects.filter(
        role=COORDINATOR, region__path__in=paths
    ).values_list("region__path", "user_id"):
        by_path.setdefault(path, set()).add(user_id)
    found = {}
    for pk, path in groups:
        users = set().union(*(by_path.get(p, set()) for p in Region.paths_above_all([path])))
        if pk in leads:
            users.add(leads[pk])
        found[pk] = sorted(users)
    return found
