from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.validators import validate_mainland_mobile


class AccountKind(models.TextChoices):
    """What a person signed up as; staff and learners are created by others, never self-signed."""

    VOLUNTEER = "volunteer", _("Volunteer")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    PARTNER = "partner", _("Partner organisation member")
    LEARNER = "learner", _("Learner")
    STAFF = "staff", _("Staff")


SELF_SIGN_UP_KINDS = (AccountKind.VOLUNTEER, AccountKind.SOCIAL_WORKER, AccountKind.PARTNER)
# Who may sign up with a mobile number and no e-mail address. Social workers and staff keep an
# e-mail address: offices write to them about cases, reports and roles.
PHONE_ONLY_KINDS = (AccountKind.VOLUNTEER, AccountKind.PARTNER)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        # A phone-first account (volunteers, partner members) may have no e-mail address.
        if not email and not fields.get("mobile"):
            raise ValueError("An e-mail address or a mobile number is required.")
        user = self.model(email=self.normalize_email(email).lower() if email else None, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        fields.setdefault("kind", AccountKind.STAFF)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address or a verified mobile number.

    Chinese names are one field, so there is a display name instead of first/last names. The
    mobile number is only ever a mainland number in its 11-digit form and belongs to one account.
    Volunteers and partner members may sign up with a mobile number alone; then `email` is NULL
    (never "", so the unique constraints ignore it) and every mail path skips them (portal.mail).
    """

    email = models.EmailField(_("e-mail address"), unique=True, null=True, blank=True)
    display_name = models.CharField(_("display name"), max_length=50)
    mobile = models.CharField(
        _("mobile number"), max_length=11, blank=True, validators=[validate_mainland_mobile]
    )
    # Set only once the person typed the code an SMS brought to this number (allauth's phone
    # verification); an unverified number never logs in, resets a password or receives notices.
    mobile_verified = models.BooleanField(_("mobile number verified"), default=False)
    # Urgent and deadline notices also go by SMS to people who chose it (portal.sms).
    sms_notices = models.BooleanField(_("urgent notices by SMS"), default=False)
    kind = models.CharField(
        _("account kind"), max_length=20, choices=AccountKind.choices, default=AccountKind.VOLUNTEER
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the admin site"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.UniqueConstraint(
                fields=["mobile"], condition=~Q(mobile=""), name="user_mobile_unique"
            ),
        ]

    def __str__(self):
        return self.display_name or self.email or self.mobile

    def save(self, *args, **kwargs):
        # Forms hand over "" for an empty address; store NULL so it never collides.
        if not self.email:
            self.email = None
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name


class StaffRole(models.Model):
    """A staff role held over a region, covering every region beneath it. What each role may do
    is written once, in portal.rights."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        EDUCATION_OFFICER = "education_officer", _("Education officer")
        REVIEWER = "reviewer", _("Reviewer")
        # Leadership: the region's figures and reports, nothing personal (portal.rights).
        OBSERVER = "observer", _("Observer")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey("portal.Region", on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "region"], name="staffrole_unique")
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.region}"
