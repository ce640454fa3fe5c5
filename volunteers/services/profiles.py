"""A person's own profile: start, save as draft, submit for vetting, and leave."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal import changes
from portal import services as portal_services
from portal.models import AccountKind, Region, User
from volunteers import identity
from volunteers.models import Language, ServiceRecord, SignUp, Skill, VolunteerProfile
from volunteers.reference import PLEDGE_VERSION

Status = VolunteerProfile.Status
# Fields that identify the person: fixed once a coordinator has seen them.
IDENTITY_FIELDS = ("real_name", "gender", "birth_year", "id_number")


@dataclass
class ProfileData:
    """What a person states in their profile; blank values are allowed in a draft."""

    real_name: str = ""
    gender: str = ""
    birth_year: int | None = None
    id_number: str = ""  # blank: keep the number already given
    skills: list[Skill] = field(default_factory=list)
    languages: list[Language] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    availability: int = 0
    max_groups: int = 2
    bio: str = ""
    qualification: str = ""
    certificate_number: str = ""
    agency_name: str = ""
    accept_pledge: bool = False


def _kind_of(user: User) -> str:
    if user.kind == AccountKind.SOCIAL_WORKER:
        return VolunteerProfile.Kind.SOCIAL_WORKER
    if user.kind == AccountKind.VOLUNTEER:
        return VolunteerProfile.Kind.VOLUNTEER
    raise ValidationError(_("Only volunteers and social workers have a volunteer profile."))


def profile_start(*, user: User) -> VolunteerProfile:
    """The user's profile, created as an empty draft the first time."""
    profile = VolunteerProfile.objects.filter(user=user).first()
    if profile is None:
        profile = VolunteerProfile.objects.create(user=user, kind=_kind_of(user))
        portal_services.audit_record(actor=user, action="volunteer.profile_started", target=profile)
        changes.announce(profile, what={"created"})
    return profile


def _apply_identity(profile: VolunteerProfile, data: ProfileData) -> None:
    if not data.id_number:
        return
    number = identity.validate_id_number(data.id_number)
    digest = identity.id_hash(number)
    if VolunteerProfile.objects.filter(id_hash=digest).exclude(pk=profile.pk).exists():
        raise ValidationError(
            {"id_number": _("This ID number is already registered with another account.")}
        )
    profile.id_hash = digest
    profile.id_masked = identity.id_masked(number)
    if data.birth_year and data.birth_year != identity.birth_year(number):
        raise ValidationError({"birth_year": _("The birth year does not match the ID number.")})
    profile.birth_year = identity.birth_year(number)


@transaction.atomic
def profile_save(*, profile: VolunteerProfile, data: ProfileData, by: User) -> VolunteerProfile:
    """Save what the person typed; a draft may be incomplete. Once vetting has begun the
    identity is fixed and only the working details (skills, availability ...) change."""
    if profile.status in (Status.SUBMITTED, Status.REJECTED, Status.LEFT):
        raise ValidationError(_("This profile cannot be changed now."))
    if profile.editable:
        try:
            _apply_identity(profile, data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                raise
            raise ValidationError({"id_number": error.messages}) from None
        profile.real_name = data.real_name.strip()
        profile.gender = data.gender
        if data.birth_year and not profile.id_hash:
            profile.birth_year = data.birth_year
    profile.availability = data.availability & ((1 << 21) - 1)
    profile.max_groups = data.max_groups
    profile.bio = data.bio.strip()
    if profile.kind == VolunteerProfile.Kind.SOCIAL_WORKER:
        profile.qualification = data.qualification
        profile.certificate_number = data.certificate_number.strip()
        profile.agency_name = data.agency_name.strip()
    if data.accept_pledge and profile.pledge_version != PLEDGE_VERSION:
        profile.pledge_version = PLEDGE_VERSION
        profile.pledge_accepted_at = timezone.now()
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:  # two accounts racing with the same ID number
        raise ValidationError(
            {"id_number": _("This ID number is already registered with another account.")}
        ) from None
    profile.skills.set(data.skills)
    profile.languages.set(data.languages)
    profile.regions.set(data.regions)
    portal_services.audit_record(actor=by, action="volunteer.profile_saved", target=profile)
    changes.announce(profile, what={"updated"})
    return profile


def missing_for_submission(profile: VolunteerProfile) -> dict[str, str]:
    """What a profile still lacks before it can be vetted, by field."""
    missing = {}
    if not profile.real_name:
        missing["real_name"] = _("Enter your real name.")
    if not profile.gender:
        missing["gender"] = _("Choose your gender.")
    if not profile.id_hash:
        missing["id_number"] = _("Enter your ID number.")
    if not profile.skills.exists():
        missing["skills"] = _("Choose at least one skill.")
    if not profile.regions.exists():
        missing["regions"] = _("Choose at least one region you serve.")
    if not profile.availability:
        missing["availability"] = _("Tick at least one time you are available.")
    if profile.kind == VolunteerProfile.Kind.SOCIAL_WORKER:
        if not profile.qualification:
            missing["qualification"] = _("Choose your qualification level.")
        if not profile.certificate_number:
            missing["certificate_number"] = _("Enter your certificate number.")
    if profile.pledge_version != PLEDGE_VERSION:
        missing["accept_pledge"] = _("Accept the confidentiality pledge.")
    return missing


@transaction.atomic
def profile_submit(*, profile: VolunteerProfile, by: User) -> VolunteerProfile:
    """Send a complete profile to the coordinators of the regions it serves."""
    from volunteers.selectors import coordinators_of
    from volunteers.services.notices import tell

    if not profile.editable:
        raise ValidationError(_("This profile is not a draft."))
    missing = missing_for_submission(profile)
    if missing:
        raise ValidationError(missing)
    profile.status = Status.SUBMITTED
    profile.submitted_at = timezone.now()
    profile.save(update_fields=["status", "submitted_at", "updated_at"])
    portal_services.audit_record(
        actor=by,
        action="volunteer.profile_submitted",
        target=profile,
        region=profile.regions.order_by("path").first(),
    )
    tell(
        coordinators_of(profile),
        kind="vetting.submitted",
        title=_("A profile waits for vetting: %(name)s") % {"name": profile},
    )
    changes.announce(profile, what={"vetting"})  # its vetting status: submitted
    return profile


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the account: its places end (kept as history) and the account row is anonymised
    (portal.services.account_anonymise), so what the person wrote in a group's chat stays under
    a neutral name. The profile stays, anonymised, so confirmed hours keep counting in group,
    region and month totals; pending hours and sign-ups go. Only for those who may leave."""
    from volunteers.gate import places_end_on_leaving

    if not portal_services.may_leave(user):
        raise PermissionDenied("This account is not one its owner may delete.")

    profile = VolunteerProfile.objects.select_for_update().filter(user=user).first()
    with translation.override(settings.LANGUAGE_CODE):
        places_end_on_leaving(user=user)
    if profile is not None:
        profile.service_records.filter(status=ServiceRecord.Status.PENDING).delete()
        SignUp.objects.filter(profile=profile).exclude(checked_in_at__isnull=False).delete()
        profile.skills.clear()
        profile.languages.clear()
        for name in ("real_name", "id_masked", "bio", "certificate_number", "agency_name"):
            setattr(profile, name, "")
        profile.id_hash = None
        profile.gender = ""
        profile.birth_year = None
        profile.availability = 0
        profile.status = Status.LEFT
        profile.user = None
        profile.save()
        changes.announce(profile, what={"left"})
    portal_services.audit_record(
        actor=None,
        action="account.deleted",
        target=profile,
        data={"user_id": user.pk},
    )
    portal_services.account_anonymise(user=user)
