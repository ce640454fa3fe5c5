from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messages and notifications")

    def ready(self):
        # Groups announce the reminders their calendar calls for; messaging stores and sends
        # them (groups import nothing of messaging).
        from messaging import group_reminders
        from portal.changes import subscribe

        subscribe(
            group_reminders.SUBSCRIBED,
            group_reminders.on_group_changes,
            name="messaging.group_reminders",
        )
