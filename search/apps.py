from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        import search
        from portal import changes, keywords
        from search import services

        # The list pages' keyword boxes (partners, curriculum) ask the core, which asks us.
        keywords.provide(search.ids)

        # Every write below announces what it changed; after each commit the index task of
        # each kind takes the ids (the writers import nothing of search).
        changes.subscribe(services.LABEL_KINDS, services.changes_index, name="search.index")
        # Wagtail pages are written by Wagtail, not by our services: its publish signals are
        # the one place to hear about them, and search.signals only announces them.
        from search import signals  # noqa: F401
