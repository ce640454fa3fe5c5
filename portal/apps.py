from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.urls import register_converter

        from portal.converters import IdConverter

        # Before any URL conf is read: every id in a path is `<id:...>` (portal.converters).
        register_converter(IdConverter, "id")

        from portal import page_cache, page_routes

        page_cache.connect(page_cache.SITE, uid="portal.page_cache.site")
        page_routes.connect()
