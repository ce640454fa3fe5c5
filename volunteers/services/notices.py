"""Telling a person something: a stored in-app notification now and, for vetting decisions, an
e-mail through the portal's one mail path (portal.mail: queued on commit, retried while the mail
server fails, sent at once when the broker is down)."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from messaging.services import notify
from portal import mail


def _decision_email(profile, *, title: str, body: str):
    # The person's language is not stored: the portal's default (zh-hans), like the title.
    with translation.override(settings.LANGUAGE_CODE):
        lines = [_("Hello %(name)s,") % {"name": profile.user.display_name}, "", title]
        if body:
            lines += ["", _("Reason: %(reason)s") % {"reason": body}]
    return mail.compose(subject=title, body="\n".join(lines), to=[profile.user.email])


def tell_decision(profile, *, title: str, body: str) -> None:
    """Tell the person about a vetting decision in the portal and by e-mail (after commit)."""
    if profile.user_id is None:
        return
    notify(
        recipients=[profile.user_id],
        kind="vetting.decision",
        title=title,
        body=body,
        url=reverse("volunteers:profile"),
    )
    mail.send_on_commit(_decision_email(profile, title=title, body=body))
    profile.decision_emailed_at = timezone.now()
    profile.save(update_fields=["decision_emailed_at"])


def tell(user_ids, *, kind: str, title: str, body: str = "", url: str = "") -> None:
    ids = [i for i in user_ids if i]
    if ids:
        notify(recipients=ids, kind=kind, title=title, body=body, url=url)
