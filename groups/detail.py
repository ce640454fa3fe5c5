"""What the group page shows beyond the group itself (groups.selectors.group_for_user), by the
reader's access: needs, members, restrictions and the timeline.

Each query is compiled once per process (portal.prepared): building them (select_related, the
many-to-many joins, the timeline's filters) took more Python than the database took to answer
(#20). The instances are loaded with the fields the page shows.
"""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.timezone import template_localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groups.models import CorrectionGroup, GroupNeed, Membership, Need, Stage
from groups.selectors import GroupAccess
from portal.models import AuditEvent, Industry, Region, User
from portal.prepared import Prepared, columns, from_row, instance

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


def _timeline_label(event: AuditEvent) -> str:
    label = TIMELINE_LABELS.get(event.action, event.action)
    if event.action == "group.stage_changed":
        stage = event.data.get("to")
        return label % {"stage": Stage(stage).label if stage in Stage.values else stage}
    return label


_MEMBER_COLUMNS = columns(Membership)
_MEMBER_USER_COLUMNS = ["id", "display_name", "email", "last_login"]
_MEMBERS = Prepared(
    lambda group_id: (
        Membership.objects.filter(group_id=group_id)
        .order_by("left_at", "role", "joined_at")
        .values_list(*_MEMBER_COLUMNS, *("user__" + name for name in _MEMBER_USER_COLUMNS))
    ),
    group_id=-7_204_902,
)
_NEED_COLUMNS = columns(GroupNeed)
_NEED_TERM_COLUMNS = columns(Need)
_NEEDS = Prepared(
    lambda group_id: GroupNeed.objects.filter(group_id=group_id).values_list(
        *_NEED_COLUMNS, *("need__" + name for name in _NEED_TERM_COLUMNS)
    ),
    group_id=-7_204_903,
)


def _linked(field, model, column: str) -> Prepared:
    """The `model` rows a group links to through the many-to-many `field` (every column, as the
    ORM reads them), compiled once per process."""
    return Prepared(
        lambda group_id: model.objects.filter(
            pk__in=field.through.objects.filter(correctiongroup_id=group_id).values(column)
        ).values_list(*columns(model)),
        group_id=-7_204_904,
    )


_INDUSTRY_COLUMNS = columns(Industry)
_INDUSTRIES = _linked(CorrectionGroup.forbidden_industries, Industry, "industry_id")
_REGION_COLUMNS = columns(Region)
_APPROVED_REGIONS = _linked(CorrectionGroup.approved_regions, Region, "region_id")
_EVENT_COLUMNS = ["id", "action", "data", "created_at", "actor_id"]
_TIMELINE = Prepared(
    lambda type_id, object_id: (
        AuditEvent.objects.filter(object_type_id=type_id, object_id=object_id)
        .exclude(action="group.viewed")
        .values_list(*_EVENT_COLUMNS, "actor__display_name")[:50]
    ),
    type_id=-7_204_906,
    object_id="~stand-in~",
)


# What the page shows of each choice, looked up in a dict made once: get_FOO_display() builds
# the field's choices into a dict on every call (#20). The labels are lazy, so each renders in
# the reader's language.
_ROLE_LABELS = dict(Membership.Role.choices)
_PRIORITY_LABELS = dict(GroupNeed.Priority.choices)
# A stand-in membership id, swapped for each member's in the one reversed removal URL.
_STAND_IN_ID = 987_654_321


def _dates(value) -> tuple[str, str, str]:
    """What the template's ``value|date:"Y-m-d"``, ``value|date:"Y-m-d H:i"`` and
    ``value|date:"c"`` show, in the current time zone. These formats name no month or day and so
    read the same in every language; written out here because django.utils.dateformat parses its
    format on each call, and the timeline and members are most of the page's dates (#20)."""
    value = template_localtime(value)
    day = f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    return day, f"{day} {value.hour:02d}:{value.minute:02d}", value.isoformat()


def _memberships(group: CorrectionGroup) -> list[Membership]:
    memberships = []
    # One reverse() for all members: one per member was a noticeable part of the page (#20).
    remove_url = reverse("groups:member_remove", args=[group.code, _STAND_IN_ID])
    for row in _MEMBERS.rows(group_id=group.pk):
        membership = from_row(Membership, _MEMBER_COLUMNS, row)
        membership.user = from_row(User, _MEMBER_USER_COLUMNS, row[len(_MEMBER_COLUMNS) :])
        membership.role_label = _ROLE_LABELS.get(membership.role, membership.role)
        membership.joined_day = _dates(membership.joined_at)[0]
        if membership.left_at is None:
            membership.since = gettext("since %(date)s") % {"date": membership.joined_day}
            membership.remove_url = remove_url.replace(str(_STAND_IN_ID), str(membership.pk))
        else:
            membership.left_day = _dates(membership.left_at)[0]
        memberships.append(membership)
    return memberships


def _group_needs(group: CorrectionGroup) -> list[GroupNeed]:
    needs = []
    for row in _NEEDS.rows(group_id=group.pk):
        group_need = from_row(GroupNeed, _NEED_COLUMNS, row)
        group_need.need = from_row(Need, _NEED_TERM_COLUMNS, row[len(_NEED_COLUMNS) :])
        group_need.priority_label = _PRIORITY_LABELS.get(group_need.priority, group_need.priority)
        needs.append(group_need)
    return needs


def _timeline(group: CorrectionGroup) -> list[AuditEvent]:
    events = []
    for row in _TIMELINE.rows(
        type_id=ContentType.objects.get_for_model(CorrectionGroup).pk, object_id=str(group.pk)
    ):
        event = from_row(AuditEvent, _EVENT_COLUMNS, row)
        actor_id, name = row[-2:]
        event.actor = None if actor_id is None else instance(User, id=actor_id, display_name=name)
        event.label = _timeline_label(event)
        _day, event.when, event.iso = _dates(event.created_at)
        events.append(event)
    return events


def group_page_data(group: CorrectionGroup, access: GroupAccess) -> dict:
    """Everything the group page shows, in a fixed number of queries."""
    memberships = _memberships(group)
    data = {
        "needs": _group_needs(group),
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
        data["forbidden_industries"] = [
            from_row(Industry, _INDUSTRY_COLUMNS, row)
            for row in _INDUSTRIES.rows(group_id=group.pk)
        ]
        data["approved_regions"] = [
            from_row(Region, _REGION_COLUMNS, row)
            for row in _APPROVED_REGIONS.rows(group_id=group.pk)
        ]
    if access.sees_timeline:
        data["timeline"] = _timeline(group)
    return data
