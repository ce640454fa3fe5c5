"""Which notices also go by SMS, and what the SMS says: the one place for both.

notify() calls `send_for` with every notice it stores; only the urgent and deadline kinds below
go further, and only to people who chose SMS notices (User.sms_notices) on a mobile number they
verified. A text message can be read by anyone holding the phone and is kept by the carrier and
the provider, so each text is fixed, short and Chinese, and says only that something waits on
the portal: never a name, a group, a place or a reason (those stay behind the login).
"""

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy

from portal import sms
from portal.models import User

# notice kind (as passed to notify) → its SMS text, without the portal's signature.
TEXTS = {
    # volunteers.services.notices.tell_decision
    "vetting.decision": gettext_lazy(
        "Your volunteer application has a vetting result. Please log in to the portal to see it."
    ),
    # partners.services.referrals.referrals_remind_due: a day before the answer is due
    "referral.reminder": gettext_lazy(
        "You have a referral waiting for your answer, due tomorrow. Please log in to the portal "
        "to see it."
    ),
    # alerts.delivery: an urgent alert the person has not acknowledged in time (also e-mailed)
    "alert.waiting": gettext_lazy(
        "You have an urgent alert you have not acknowledged. Please log in to the portal to see it."
    ),
    # alerts.delivery: members of the lead's group have not acknowledged an urgent alert
    "alert.lead_reminder": gettext_lazy(
        "Members of your group have not acknowledged an urgent alert. Please log in to the "
        "portal to follow it up."
    ),
    # curriculum.services.sessions.session_remind: the day before a session
    "curriculum.session_reminder": gettext_lazy(
        "You have a session tomorrow. Please log in to the portal to see it."
    ),
}

# Who receives SMS notices; `may_choose` is the same rule for one person choosing them.
RECEIVES = Q(is_active=True, sms_notices=True, mobile_verified=True) & ~Q(mobile="")


def may_choose(user: User) -> bool:
    """Only a verified mobile number may receive notices (never a stranger's number)."""
    return bool(user.mobile) and user.mobile_verified


def text(kind: str) -> str | None:
    """The SMS for a notice kind, in the portal's language (zh-hans), or None if it has none."""
    message = TEXTS.get(kind)
    if message is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        return f"【{settings.PORTAL_NAME}】{message}"


def send_for(*, kind: str, user_ids) -> int:
    """Queue the kind's SMS, on commit, to those of `user_ids` who receive SMS notices; how many.
    One query for an SMS kind, none for the others."""
    message = text(kind)
    if message is None or not user_ids:
        return 0
    phones = User.objects.filter(RECEIVES, pk__in=user_ids).values_list("mobile", flat=True)
    count = 0
    for phone in phones:
        sms.send_on_commit(phone, message)
        count += 1
    return count
