from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self):
        # A volunteer profile that leaves ends its affiliations (volunteers announce it; they
        # import nothing of partners).
        from partners.services import affiliations
        from portal.changes import subscribe

        subscribe(
            "volunteers.VolunteerProfile",
            affiliations.on_profile_changes,
            name="partners.affiliations",
        )
