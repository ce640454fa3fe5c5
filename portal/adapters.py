from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.conf import settings

from portal import mail, services


def on_configured_site(url: str) -> str:
    """The same address on the portal's configured site (WAGTAILADMIN_BASE_URL). allauth builds
    links from the request's Host, and Django lets any port of an allowed host through, so a
    reset link could otherwise point wherever the requester chose."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return url
    site = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    return urlunsplit((site.scheme, site.netloc, parts.path, parts.query, parts.fragment))


class AccountAdapter(DefaultAccountAdapter):
    """Fills the portal's own fields at sign-up, records the sign-up in the audit log, and sends
    allauth's e-mails (confirmation, password reset) through Celery after commit."""

    def send_mail(self, template_prefix, email, context_data):
        domain = urlsplit(settings.WAGTAILADMIN_BASE_URL).netloc
        ctx = {
            "request": context.request,
            "email": email,
            "current_site": SimpleNamespace(domain=domain, name=domain),
        }
        # Every link allauth put in the context (reset, confirmation, sign-up, log-in).
        ctx.update(
            {
                key: on_configured_site(value) if isinstance(value, str) else value
                for key, value in context_data.items()
            }
        )
        mail.send_on_commit(self.render_mail(template_prefix, email, ctx))

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.display_name = data["display_name"]
        user.mobile = data.get("mobile", "")
        user.kind = data["kind"]
        if commit:
            user.save()
            services.user_signed_up(user=user)
        return user
