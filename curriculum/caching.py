"""Page caching where it is safe: only for anonymous visitors, whose pages are the same for
everyone (the curriculum's Wagtail pages and the public lesson list). A logged-in learner's
lesson page shows their own progress, so it is never cached whole; only its lesson part, the
same for everyone, is (lesson_page.html, keyed by the generation below).

A page's cache key carries the curriculum's generation, a number every publish, unpublish or
move of a curriculum page raises: the calendar lists its themes and a theme its lessons, so a
lesson published under a theme must refresh the theme and the calendar as well as itself.
Django's cache machinery (cache_page) also refuses to store a response that sets a cookie for a
cookie-less request and varies on Cookie and on the language, so a CSRF token is never shared.
"""

from portal import page_cache
from portal.page_cache import Generation

ANONYMOUS_SECONDS = 300
GENERATION_KEY = "curriculum.pages.generation"
GENERATION = Generation(GENERATION_KEY)
generation = GENERATION.value
pages_changed = GENERATION.bump  # every cached curriculum page is stale (a signal receiver)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page, PageViewRestriction
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    from portal.models import OffenceCategory

    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(pages_changed, dispatch_uid=f"curriculum.caching.{id(signal)}")
    # A page deleted, or a view restriction added or lifted: the lists that show lessons to
    # visitors change too.
    post_delete.connect(pages_changed, sender=Page, dispatch_uid="curriculum.caching.deleted")
    # The lesson list's offence filter offers the active offence categories.
    for signal in (post_save, post_delete):
        signal.connect(
            pages_changed,
            sender=OffenceCategory,
            dispatch_uid=f"curriculum.caching.offences.{id(signal)}",
        )
    for signal in (post_save, post_delete):
        signal.connect(
            pages_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"curriculum.caching.restriction.{id(signal)}",
        )
    connect_hours()


def serve_cached_for_anonymous(page, serve, request, *args, **kwargs):
    return page_cache.serve_cached_for_anonymous(
        page, serve, request, *args, generation=GENERATION, seconds=ANONYMOUS_SECONDS, **kwargs
    )


def cached_for_anonymous(name: str, view, request, *args, **kwargs):
    """`view`'s response, from the cache for anonymous GETs (portal.page_cache), under the
    curriculum's generation."""
    return page_cache.cached_for_anonymous(
        name, view, request, *args, generation=GENERATION, seconds=ANONYMOUS_SECONDS, **kwargs
    )


# --- the learning hours report -------------------------------------------------------------
# A region's month of learning hours (its summary and its rendered pages of rows) is the same
# for everyone who may read the region's report: the view checks the reader's right to the
# region on every request, before it looks here. At province scale the summary alone is one
# exact aggregation over some 15,000 groups (most of the page's time). Everything kept under
# HOURS is stale once the month's records are rewritten (services.hours, after every completion
# and attendance) or a group or a region changes (created, closed, reopened, moved, renamed):
# raised at once and again after the commit, so nobody reads figures from before their own
# action. The time limit bounds only what bypasses the models (a bulk load such as seed_scale).

REPORT_SECONDS = 300
HOURS = Generation("curriculum.hours.generation")
hours_changed = HOURS.changed


def _hours_model_changed(sender, **kwargs) -> None:
    hours_changed()


def connect_hours() -> None:
    from django.db.models.signals import post_delete, post_save

    from curriculum.models import LearningHours
    from groups.models import CorrectionGroup
    from portal.models import Region

    # (services.hours writes the records in bulk and says so itself; these are for one record
    # saved or deleted elsewhere, an admin's correction say.)
    for model in (CorrectionGroup, Region, LearningHours):
        for signal in (post_save, post_delete):
            signal.connect(
                _hours_model_changed,
                sender=model,
                dispatch_uid=f"curriculum.caching.hours.{model.__name__}.{id(signal)}",
            )


def report_summary(region, month, compute):
    """The region's summary for `month`: from the cache when it was kept at the current
    generation (and requirement), else `compute()`, kept. With the generation it was read at,
    for the rendered rows' key (None when the cache is away: nothing is kept then)."""
    from curriculum import conf

    key = f"curriculum.report.summary.{region.pk}.{month:%Y%m}"
    generation, found = HOURS.read_with(key)
    stamp = (generation, conf.required_minutes())
    # A province's month, asked for by several coordinators at once: worked out once.
    summary = page_cache.kept_once(key, generation, stamp, found, REPORT_SECONDS, compute)
    return summary, generation
