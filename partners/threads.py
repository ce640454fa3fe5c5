"""The referral's conversation (issue 16): the receiving organisation's members talk with the
referring group's lead and social workers, never with its learner or volunteers, about the
referral's shared facts only (no learner identity).

messaging stores the thread (a Conversation of kind "referral" whose subject_id is the
referral's id) and asks this provider, registered in PartnersConfig.ready, who takes part: every
answer is read from the live rows (active organisation membership; active lead or social worker
membership), so a person who leaves the organisation or the group loses the thread at once.
As on the referral's page (DESIGN.md), the organisation's access ends when the group closes.
"""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from groups.models import CorrectionGroup, Membership
from messaging import subjects
from messaging.models import Conversation
from messaging.services import subject_thread_ensure
from partners.models import OrganisationMember, Referral
from partners.selectors import referrals_visible_to
from portal.models import User

KIND = Conversation.Kind.REFERRAL
# The group's side of the thread: the people running the casework.
GROUP_SIDE = (Membership.Role.LEAD, Membership.Role.SOCIAL_WORKER)
PARTNER = "partner"
ENDED = (Referral.Status.DECLINED, Referral.Status.WITHDRAWN)


def _group_side(user: User, group_ref) -> QuerySet[Membership]:
    return Membership.objects.filter(
        group=group_ref, user=user, role__in=GROUP_SIDE, left_at__isnull=True
    )


def _organisation_side(user: User, organisation_ref) -> QuerySet[OrganisationMember]:
    return OrganisationMember.objects.filter(
        organisation=organisation_ref, user=user, left_at__isnull=True
    )


def _lock(user: User, subject_id: int) -> None:
    """Lock the rows that give the user a place (the sender's transaction): a leaving in flight
    commits first and the message is refused, or waits until it is stored."""
    ids = Referral.objects.filter(pk=subject_id).values("group_id", "organisation_id").first()
    if ids is None:
        return
    list(_group_side(user, ids["group_id"]).select_for_update().values_list("pk", flat=True))
    rows = _organisation_side(user, ids["organisation_id"]).select_for_update()
    list(rows.values_list("pk", flat=True))


def _organisation_label(name: str) -> str:
    return _("Partner organisation · %(name)s") % {"name": name}


class ReferralThreads:
    recheck_on = ("organisation.", "referral.")

    def place(self, *, user: User, subject_id: int, lock: bool = False) -> subjects.Place | None:
        """One query (three more under `lock`)."""
        if lock:
            _lock(user, subject_id)
        row = (
            Referral.objects.filter(pk=subject_id)
            .annotate(
                group_role=Subquery(_group_side(user, OuterRef("group_id")).values("role")[:1]),
                in_organisation=Exists(_organisation_side(user, OuterRef("organisation_id"))),
            )
            .values(
                "status", "group_role", "in_organisation", "group__status", "organisation__name"
            )
            .first()
        )
        if row is None:
            return None
        if row["group_role"]:
            role, label = row["group_role"], Membership.Role(row["group_role"]).label
        elif row["in_organisation"] and row["group__status"] == CorrectionGroup.Status.ACTIVE:
            role, label = PARTNER, _organisation_label(row["organisation__name"])
        else:
            return None
        if row["status"] in ENDED:
            return subjects.Place(
                role=role,
                label=label,
                can_post=False,
                read_only_reason=_("This referral has ended: its conversation is read-only."),
            )
        return subjects.Place(role=role, label=label)

    def subject_ids_for(self, user: User) -> QuerySet:
        organisations = OrganisationMember.objects.filter(user=user, left_at__isnull=True).values(
            "organisation_id"
        )
        return Referral.objects.filter(
            Q(Exists(_group_side(user, OuterRef("group_id"))))
            | Q(organisation__in=organisations, group__status=CorrectionGroup.Status.ACTIVE)
        ).values("pk")

    def participants(self, subject_id: int) -> list[subjects.Participant]:
        referral = Referral.objects.select_related("group", "organisation").filter(pk=subject_id)
        referral = referral.first()
        if referral is None:
            return []
        side = (
            Membership.objects.filter(
                group_id=referral.group_id, role__in=GROUP_SIDE, left_at__isnull=True
            )
            .select_related("user")
            .order_by("joined_at", "id")
        )
        people = [subjects.Participant(m.user, m.get_role_display()) for m in side]
        if not referral.group.is_closed:
            label = _organisation_label(referral.organisation.name)
            members = (
                OrganisationMember.objects.filter(
                    organisation_id=referral.organisation_id, left_at__isnull=True
                )
                .select_related("user")
                .order_by("joined_at", "id")
            )
            people += [subjects.Participant(m.user, label) for m in members]
        return people

    def titles(self, subject_ids: Iterable[int]) -> dict[int, str]:
        rows = Referral.objects.filter(pk__in=list(subject_ids)).select_related(
            "group", "job", "programme"
        )
        return {r.pk: title(r) for r in rows}

    def about(self, *, subject_id: int, user: User) -> subjects.About:
        referral = (
            Referral.objects.select_related("group", "job", "programme", "organisation")
            .filter(pk=subject_id)
            .first()
        )
        if referral is None:
            return subjects.About(title="")
        shared = referral.shared or {}
        facts = [
            (_("Position or programme"), str(referral.posting.title)),
            (_("Organisation"), referral.organisation.name),
            (_("Status"), referral.get_status_display()),
        ]
        if shared.get("skills"):
            facts.append((_("Skills"), "、".join(shared["skills"])))
        for key, label in (("availability", _("Availability")), ("experience", _("Experience"))):
            if shared.get(key):
                facts.append((label, str(shared[key])))
        if referral.note:
            facts.append((_("Note"), referral.note))
        visible = referrals_visible_to(user).filter(pk=referral.pk).exists()
        return subjects.About(
            title=title(referral),
            facts=tuple(facts),
            url=reverse("partners:referral", args=[referral.pk]) if visible else "",
            link_text=_("Open the referral"),
        )


def title(referral: Referral) -> str:
    """The group's code and the posting: what both sides already know of the referral."""
    return _("Referral of %(code)s: %(title)s") % {
        "code": referral.group.code,
        "title": referral.posting.title,
    }


PROVIDER = ReferralThreads()


def register() -> None:
    subjects.register(KIND, PROVIDER)


def thread_for(referral: Referral) -> Conversation:
    """The referral's conversation, created the first time (services and views call this once
    they know the referral exists)."""
    return subject_thread_ensure(kind=KIND, subject_id=referral.pk, group=referral.group)


def place_of(user: User, referral: Referral) -> subjects.Place | None:
    if not user.is_authenticated:
        return None
    return PROVIDER.place(user=user, subject_id=referral.pk)
