from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        # Wagtail pages are written by Wagtail, not by our services: its publish signals are
        # the one place to hear about them (search.signals only enqueues, no logic).
        from search import signals  # noqa: F401
