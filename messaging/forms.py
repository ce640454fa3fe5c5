from django import forms
from django.utils.translation import gettext_lazy as _

from messaging.models import NotificationSetting
from messaging.services import MAX_BODY
from portal.fields import IdField


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_BODY,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_BODY}),
    )
    reply_to = IdField(required=False, widget=forms.HiddenInput)
    # Set by the chat script's outbox: the same message sent twice is stored once.
    client_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    attachment = forms.FileField(
        label=_("Attach an image or PDF"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )


class EditForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this message?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the audit log)"), max_length=300, required=False
    )


class NotificationSettingForm(forms.Form):
    digest_delay = forms.TypedChoiceField(
        label=_("E-mail me unread notifications"),
        choices=NotificationSetting.Delay.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    sms_notices = forms.BooleanField(
        label=_("Also send me urgent and deadline notices by SMS"), required=False
    )

    def __init__(self, *args, sms_allowed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not sms_allowed:
            # Shown greyed out; a value posted anyway still reaches the service, which refuses
            # it with its message (the field's `disabled` would drop it silently).
            self.fields["sms_notices"].widget.attrs["disabled"] = True


class DirectForm(forms.Form):
    user = IdField(widget=forms.HiddenInput)
