"""The compose form. What an alert may be is decided by alerts.services and alerts.reach; the
form only turns fields into an AlertData (and shows their refusals on the right field)."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.models import MESSAGE_MAX, REPLY_MAX, Alert, Recipient
from alerts.reach import GROUPS_REACH_BY_LEVEL, Reach
from alerts.services import AlertData
from groups.models import CorrectionGroup
from portal.fields import ModelChoiceField
from portal.models import Region


class Scope:
    GROUPS = "groups"
    GROUP = "group"
    STAFF = "staff"
    CHOICES = (
        (GROUPS, _("Every group of the region (judicial office, county or city)")),
        (GROUP, _("One group")),
        (STAFF, _("All staff and group leads of the region")),
    )


KIND_CHOICES = (("drill", _("Drill (演练)")), ("real", _("Real event (突发事件)")))
QUICK_REPLIES = (_("Contacted"), _("Need support"))


def new_key() -> str:
    return uuid.uuid4().hex


class RegionChoiceField(ModelChoiceField):
    def label_from_instance(self, region):
        # Indented by level, so the select reads as the tree it is.
        return "\u3000" * (region.depth - 1) + f"{region.name}（{region.level.label}）"


class AlertForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Drill or real event"),
        choices=KIND_CHOICES,
        widget=forms.RadioSelect(attrs={"class": "choice-list"}),
        error_messages={"required": _("Say whether this is a drill or a real event.")},
    )
    message = forms.CharField(
        label=_("Message"),
        required=False,  # the service words the refusal (empty, too long)
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MESSAGE_MAX}),
        help_text=_("At most %(max)d characters; it fills the recipients' screens.")
        % {"max": MESSAGE_MAX},
    )
    scope = forms.ChoiceField(
        label=_("Who receives it"),
        choices=Scope.CHOICES,
        initial=Scope.GROUPS,
        widget=forms.RadioSelect(attrs={"class": "choice-list"}),
    )
    region = RegionChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        required=False,
        help_text=_("Only the regions you coordinate are listed."),
    )
    group_code = forms.CharField(label=_("Group code"), max_length=24, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Only these roles (optional)"),
        choices=Recipient.Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
        help_text=_("Nothing ticked: every role. Learners never receive alerts."),
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, regions, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.regions = regions
        self.fields["region"].queryset = regions

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope == Scope.GROUP:
            code = (data.get("group_code") or "").strip().upper()
            group = (
                CorrectionGroup.objects.select_related("judicial_office")
                .filter(code=code, judicial_office__in=self.regions.values("pk"))
                .first()
            )
            if group is None:
                self.add_error("group_code", _("No group with this code in your regions."))
            data["group"] = group
        elif not data.get("region") and "region" not in self.errors:
            self.add_error("region", _("Choose the region to alert."))
        return data

    def alert_data(self) -> AlertData:
        data = self.cleaned_data
        scope = data["scope"]
        if scope == Scope.GROUP:
            group = data["group"]
            reach = Reach(Alert.Reach.GROUP, group.judicial_office, group, tuple(data["roles"]))
        else:
            region = data["region"]
            kind = (
                Alert.Reach.REGION_STAFF
                if scope == Scope.STAFF
                # A province has no "groups of" reach: reach.check refuses it with its reason.
                else GROUPS_REACH_BY_LEVEL.get(region.level, Alert.Reach.CITY)
            )
            reach = Reach(kind, region, None, tuple(data["roles"]))
        return AlertData(message=data["message"], reach=reach, is_drill=data["kind"] == "drill")


class AcknowledgeForm(forms.Form):
    reply = forms.CharField(
        label=_("Reply (optional)"),
        max_length=REPLY_MAX,
        required=False,
        widget=forms.TextInput(attrs={"maxlength": REPLY_MAX, "placeholder": _("e.g. 已联系上")}),
    )
    # The quick-reply buttons ("已联系上", "需要支援") submit their text under this name.
    quick = forms.CharField(max_length=REPLY_MAX, required=False)

    def clean(self):
        data = super().clean()
        data["reply"] = data.get("reply") or data.get("quick") or ""
        return data
