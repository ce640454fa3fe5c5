"""allauth's verification stages, fitted to accounts that may have no e-mail address.

One rule decides which identifier a sign-up or log-in verifies: an account with an e-mail
address verifies that address, as before phones came; an account with only a mobile number
verifies the number by SMS code. A sign-up that fails enumeration prevention (no user) follows
the same rule on what was typed, so a taken number looks exactly like a new one.
"""

import time

from allauth.account import app_settings, stages
from allauth.core.exceptions import RateLimited
from allauth.core.internal.ratelimit import respond_429
from django.contrib import messages
from django.utils.translation import gettext_lazy as _

CODE_EXPIRED = _("The code has expired. Please ask for a new one.")


def _has_email(login) -> bool:
    return bool(login.user.email if login.user else login.email)


class PhoneVerificationStage(stages.PhoneVerificationStage):
    def handle(self):
        if _has_email(self.login):
            return None, True
        try:
            return super().handle()
        except RateLimited:
            # allauth's web views let this escape as a server error; the limit is per number
            # and is reached the same way whether the number has an account or not.
            return respond_429(self.request), False

    def abort(self):
        # allauth goes back to the log-in page without a word when the code has expired.
        started = self.state.get("at")
        if started and time.time() - started > app_settings.PHONE_VERIFICATION_TIMEOUT:
            messages.error(self.request, CODE_EXPIRED)
        return super().abort()


class EmailVerificationStage(stages.EmailVerificationStage):
    def handle(self):
        if not _has_email(self.login):
            return None, True
        return super().handle()
