from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        # The writers below announce their changes; the figures they touch are recomputed.
        from dashboards import subscriber
        from portal.changes import subscribe

        subscribe(subscriber.SUBSCRIBED, subscriber.on_changes, name="dashboards.figures")
