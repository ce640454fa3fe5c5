from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self):
        # The writers below announce their changes; matching refreshes what they affect.
        from matching import caching, refresh
        from portal.changes import subscribe

        subscribe(refresh.SUBSCRIBED, refresh.on_changes, name="matching.refresh")
        # Kept suggestions go stale with any write matching reads (matching.caching).
        caching.connect()
        subscribe(caching.ANNOUNCED, caching.on_changes, name="matching.caching")
