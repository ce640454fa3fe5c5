"""The coordinator's queue and directory at province scale, without counting, sorting and
rendering tens of thousands of profiles' worth on every visit.

A province coordinator sees some 30,000 profiles: counting them for "N people" and "page 1 of N",
sorting them to reach page 50, rendering the page's 25 rows (their regions and skills read by two
more queries) and the filter form (every county and office they cover as a choice, one template
per option) cost most of a request. So the cache keeps
- the count of a list, keyed by what the coordinator may see (the paths of their coordinator
  roles: two coordinators of the same regions see the same rows, and nothing is shared between
  different scopes), the queue or directory, and the filters as asked;
- the rendered rows of each page, keyed by the same, the page number, the language and the time
  zone;
- the rendered filter form, keyed by the same scope, the language and the filter values asked.

Every key carries a generation. Any change to what a list holds or shows raises it: a profile
saved (unless only fields no list shows), deleted, its regions or skills set or imported; a
region or skill saved or deleted; a user's display name (shown for a profile without a real
name). It is raised at once and again after the commit (a visit between the two may have read
the rows from before the commit), so nothing cached is read after a change. The timeout only
bounds what a writer that bypasses the models' signals (a raw UPDATE, a bulk load that does not
call `changed()`) could leave stale.
"""

import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.safestring import SafeString

from portal.models import Region, StaffRole, User
from portal.page_cache import Generation, raise_on_writes
from portal.selectors import role_region_paths
from volunteers.models import BOOKKEEPING_FIELDS, Skill, VolunteerProfile

SECONDS = 600
GENERATION_KEY = "volunteers:listing:generation"
GENERATION = Generation(GENERATION_KEY)
generation = GENERATION.value
forget = GENERATION.bump  # forget every cached count, page and form now
changed = GENERATION.changed  # ... and again when the transaction commits


def connect() -> None:
    """Called from VolunteersConfig.ready. Region paths scope the lists; rows and choices name
    regions and skills; a profile without a real name shows its user's display name."""
    raise_on_writes(
        GENERATION,
        "volunteers.listing",
        models=(VolunteerProfile, User, Region, Skill),
        throughs=(VolunteerProfile.regions.through, VolunteerProfile.skills.through),
        when={
            VolunteerProfile: lambda fields: not fields <= BOOKKEEPING_FIELDS,
            User: lambda fields: "display_name" in fields,
        },
    )


def _scope(user) -> str:
    if user.is_superuser:
        return "*"
    return ",".join(sorted(role_region_paths(user, role=StaffRole.Role.COORDINATOR)))


def _digest(*parts) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


class CachedPaginator(Paginator):
    """A Paginator whose count comes from the cache under `key` (kept there on the first visit),
    and whose rows are read only when a page's rows are shown: `rows()` makes the queryset, so
    even validating the filters (a query for the region and one for the skill chosen) waits
    until something is missing from the cache."""

    def __init__(self, rows, per_page: int, *, key: str, count: int | None = None):
        super().__init__((), per_page)
        self.rows = rows
        self.key = key
        if count is not None:
            self.count = count  # read with the other keys of the visit (ListCache)

    @cached_property
    def count(self) -> int:
        count = self.rows().count()
        cache.set(self.key, count, SECONDS)
        return count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        return self._get_page(SimpleLazyObject(lambda: list(self.rows()[bottom:top])), number, self)


class ListCache:
    """What the cache holds for one visit to the queue or directory: the list's count, the
    rendered rows of the page asked for and the rendered filter form, read in one round trip.

    Keys name the filters as asked (the query string's values), not as the form cleans them:
    cleaning reads the chosen region and skill from the database. Filters the form refuses list
    nobody, and so are cached as such."""

    def __init__(self, request, *, names, queue: bool):
        """`names`: the filters' names (the form's fields)."""
        self.request = request
        self.queue = queue
        asked = tuple(
            (name, tuple(request.GET.getlist(name))) for name in names if name in request.GET
        )
        bound = bool(request.GET)
        scope = _scope(request.user)
        language = translation.get_language()
        prefix = f"volunteers:list:{generation()}"
        self.count_key = f"{prefix}:{_digest(scope, queue, asked)}:count"
        self.form_key = f"{prefix}:{_digest(scope, language, bound, asked)}:form"
        # What a row shows besides the profile's own data: words in the language, dates in the
        # time zone.
        zone = timezone.get_current_timezone_name()
        self.rows_prefix = f"{prefix}:{_digest(scope, queue, asked, language, zone)}"
        try:
            self.asked_page = int(request.GET.get("page") or 1)
        except ValueError:
            self.asked_page = 1
        wanted = [self.count_key, self.form_key, self._rows_key(self.asked_page)]
        self.found = cache.get_many(wanted)

    def _rows_key(self, number: int) -> str:
        return f"{self.rows_prefix}:rows:{number}"

    def paginator(self, rows, per_page: int) -> CachedPaginator:
        """`rows()` makes the list's ordered queryset; called only when the cache lacks it."""
        return CachedPaginator(
            rows, per_page, key=self.count_key, count=self.found.get(self.count_key)
        )

    def form(self, form) -> SafeString:
        """The filter form as `form().as_div` renders it."""
        html = self.found.get(self.form_key)
        if html is None:
            html = str(form().as_div())
            cache.set(self.form_key, html, SECONDS)
        return SafeString(html)

    def rows(self, page, template: str) -> SafeString:
        """The page's rows rendered with `template` (reading them only when not cached)."""
        key = self._rows_key(page.number)
        html = self.found.get(key) if page.number == self.asked_page else cache.get(key)
        if html is None:
            context = {"page": page, "queue": self.queue}
            html = render_to_string(template, context, request=self.request)
            cache.set(key, html, SECONDS)
        return SafeString(html)
