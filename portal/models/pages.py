from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from portal import page_routes


class HomePage(Page):
    """The portal's front door: what it is, how many people and partners take part, and where
    each kind of user starts. The explanatory text lives in the template (translated); editors
    add a notice, such as a call for volunteers, in the body."""

    notice = RichTextField(_("notice"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("notice")]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from portal.selectors import portal_counts

        context = super().get_context(request, *args, **kwargs)
        context["counts"] = portal_counts()
        return context

    def route(self, request, path_components):
        """Every page of the site in two queries, whatever its depth, and in one when its
        address was seen before (portal.page_routes)."""
        if path_components:
            found = page_routes.route_below(self, request, path_components)
            if found is not None:
                return found
        return super().route(request, path_components)

    def serve(self, request, *args, **kwargs):
        # The busiest page, and for visitors the same for everyone: served from the cache.
        from django.conf import settings

        from portal.page_cache import SITE, serve_cached_for_anonymous

        return serve_cached_for_anonymous(
            self, super().serve, request, *args,
            generation=SITE, seconds=settings.HOME_CACHE_SECONDS, **kwargs,
        )  # fmt: skip
