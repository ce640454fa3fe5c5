from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Volunteers and social workers")

    def ready(self):
        # The gate into a group (groups.gate) asks volunteers about the people it admits;
        # groups import nothing of volunteers.
        from volunteers import gate, listing, serving

        gate.register()
        # The queue's and directory's cached counts and pages are forgotten on every change.
        listing.connect()
        # Each profile's serving facts follow its links (volunteers.serving).
        serving.connect()
