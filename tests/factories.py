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
