"""Reminders that groups' own sweeps call for, stored as notifications: groups sits below
messaging, so it announces (portal.changes) and this subscriber, registered in
MessagingConfig.ready, tells the people concerned after commit.

"end_due" (groups.calendar): a group reached its planned end date while still open; its lead
and the coordinators over its judicial office are reminded to close it (once per end date: the
group row records that the reminder was due, so a second sweep announces nothing).
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from groups.models import CorrectionGroup
from groups.selectors import leads_and_coordinators
from messaging.services import notify
from portal.changes import Changes

SUBSCRIBED = "groups.CorrectionGroup"


def on_group_changes(changes: Changes) -> None:
    ids = changes.ids(SUBSCRIBED, what={"end_due"})
    if not ids:
        return
    recipients = leads_and_coordinators(ids)
    groups = CorrectionGroup.objects.filter(pk__in=ids).order_by("pk")
    # The texts are stored, so they are written in the portal's language, not a request's.
    with translation.override(settings.LANGUAGE_CODE):
        for group in groups.only("pk", "code", "planned_end_date"):
            notify(
                recipients=recipients.get(group.pk, []),
                kind="group.end_due",
                title=_("Group %(code)s has reached its planned end date (%(date)s)")
                % {"code": group.code, "date": f"{group.planned_end_date:%Y-%m-%d}"},
                body=_(
                    "If the sentence is completed, close the group (解矫); if it was extended, "
                    "change the planned end date."
                ),
                url=reverse("groups:detail", args=[group.code]),
            )
