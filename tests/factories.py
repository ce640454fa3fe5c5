"""Factories for a user of every role; later apps add theirs here or beside their tests."""

import factory
from allauth.account.models import EmailAddress

from portal.models import AccountKind, Region, StaffRole, User

PASSWORD = "测试密码-Portal-2026"


class UserFactory(factory.django.DjangoModelFactory):
    """A confirmed account that can log in with PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.cn")
    display_name = factory.Iterator(["王小红", "李建国", "张伟", "刘芳", "陈静", "赵磊"])
    kind = AccountKind.VOLUNTEER

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=True)


class VolunteerFactory(UserFactory):
    kind = AccountKind.VOLUNTEER


class SocialWorkerFactory(UserFactory):
    kind = AccountKind.SOCIAL_WORKER


class PartnerMemberFactory(UserFactory):
    kind = AccountKind.PARTNER


class LearnerFactory(UserFactory):
    kind = AccountKind.LEARNER
    display_name = factory.Sequence(lambda n: f"学员{n:03d}")


class AdminFactory(UserFactory):
    kind = AccountKind.STAFF
    is_staff = True
    is_superuser = True


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory, kind=AccountKind.STAFF)
    role = StaffRole.Role.COORDINATOR
    region = factory.LazyFunction(lambda: Region.objects.get(code="440106"))


def coordinator(region: Region) -> User:
    return StaffRoleFactory(region=region, role=StaffRole.Role.COORDINATOR).user


def education_officer(region: Region) -> User:
    return StaffRoleFactory(region=region, role=StaffRole.Role.EDUCATION_OFFICER).user


# --- people the gate into a group lets in (groups.gate) -----------------------------------------

_org_serial = iter(range(1, 10**7))


def vetted(user: User, regions=("440106",), *, cleared=False, max_groups=2) -> User:
    """Give a volunteer or social worker what the gate asks of them: an approved profile
    serving `regions` (codes; 天河区 by default), `max_groups` places, and the juvenile
    clearance if `cleared`. Returns the user."""
    from volunteers.models import VolunteerProfile

    profile = VolunteerProfile.objects.create(
        user=user,
        kind=user.kind,
        status=VolunteerProfile.Status.APPROVED,
        real_name=user.display_name,
        max_groups=max_groups,
        cleared_for_juveniles=cleared,
    )
    profile.regions.set(Region.objects.filter(code__in=regions))
    return user


def contact(user: User, *, kind="enterprise", verified=True, region="440106") -> User:
    """Make a partner account the member (owner) of an organisation of `kind`, verified unless
    told otherwise: a contact the gate lets into a group. Returns the user."""
    from partners.credit_code import make_credit_code
    from partners.models import Organisation, OrganisationMember

    organisation = Organisation.objects.create(
        kind=kind,
        name=f"测试单位{next(_org_serial)}",
        credit_code=make_credit_code(f"91440106MB{next(_org_serial):07d}"),
        region=Region.objects.get(code=region),
        address="广州市天河区天河路1号",
        contact_name="陈经理",
        contact_phone="13800138000",
        status=Organisation.Status.VERIFIED if verified else Organisation.Status.PENDING,
    )
    OrganisationMember.objects.create(
        organisation=organisation, user=user, role=OrganisationMember.Role.OWNER
    )
    return user
