from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self):
        # A volunteer profile that leaves ends its affiliations (volunteers announce it; they
        # import nothing of partners).
        from partners import gate, listing, threads
        from partners.services import affiliations, organisations
        from portal.changes import subscribe

        # The gate into a group (groups.gate) asks partners about the contacts it admits.
        gate.register()
        # Messaging asks partners who takes part in a referral's conversation.
        threads.register()

        subscribe(
            "volunteers.VolunteerProfile",
            affiliations.on_profile_changes,
            name="partners.affiliations",
        )
        # An ended account leaves its organisations (portal announces it).
        subscribe("portal.User", organisations.on_accounts_left, name="partners.members")
        # The public lists' cached bodies are dropped when what they show changes.
        listing.connect()
