"""E-mail about vetting decisions. Tasks take ids, are idempotent (a sent e-mail is marked) and
retry with backoff; the sweep re-enqueues decisions whose e-mail never left."""

from datetime import timedelta

from celery import shared_task


@shared_task(
    bind=True, autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=8
)
def send_decision_email(self, profile_id: int) -> bool:
    from django.conf import settings
    from django.core.mail import send_mail
    from django.db import transaction
    from django.utils import timezone, translation
    from django.utils.translation import gettext as _

    from volunteers.models import VolunteerProfile
    from volunteers.services.vetting import MESSAGES

    with transaction.atomic():
        profile = (
            VolunteerProfile.objects.select_for_update()
            .select_related("user")
            .filter(pk=profile_id, decision_emailed_at__isnull=True, user__isnull=False)
            .first()
        )
        if profile is None or profile.status not in MESSAGES:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            subject = str(MESSAGES[profile.status])
            lines = [
                _("Hello %(name)s,") % {"name": profile.user.display_name},
                "",
                subject,
            ]
            if profile.decision_reason:
                lines += ["", _("Reason: %(reason)s") % {"reason": profile.decision_reason}]
        send_mail(
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            "\n".join(lines),
            settings.DEFAULT_FROM_EMAIL,
            [profile.user.email],
        )
        profile.decision_emailed_at = timezone.now()
        profile.save(update_fields=["decision_emailed_at"])
    return True


@shared_task
def resend_decision_emails() -> int:
    """Decisions older than ten minutes whose e-mail was never sent (broker down at the time)."""
    from django.utils import timezone

    from volunteers.models import VolunteerProfile
    from volunteers.services.vetting import MESSAGES

    stale = VolunteerProfile.objects.filter(
        decision_emailed_at__isnull=True,
        decided_at__lt=timezone.now() - timedelta(minutes=10),
        status__in=list(MESSAGES),
        user__isnull=False,
    ).values_list("pk", flat=True)[:500]
    for profile_id in stale:
        send_decision_email.delay(profile_id)
    return len(stale)
