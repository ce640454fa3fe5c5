from allauth.account.adapter import DefaultAccountAdapter

from portal import services


class AccountAdapter(DefaultAccountAdapter):
    """Fills the portal's own fields at sign-up and records the sign-up in the audit log."""

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
