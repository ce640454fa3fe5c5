from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.contrib.sites.shortcuts import get_current_site

from portal import mail, services


class AccountAdapter(DefaultAccountAdapter):
    """Fills the portal's own fields at sign-up, records the sign-up in the audit log, and sends
    allauth's e-mails (confirmation, password reset) through Celery after commit."""

    def send_mail(self, template_prefix, email, context_data):
        request = context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context_data)
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
