"""The curriculum's page tree, edited by education officers in Wagtail:

HomePage
└── CurriculumIndexPage (学习园地: the month calendar)
    ├── MonthlyThemePage (每月一主题, one per month) ── LessonPage ...
    └── LessonSeriesIndexPage (standing series, not tied to a month)
        └── LessonSeriesPage (入矫第一课, 危险驾驶 traffic law ...) ── LessonPage ...
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from curriculum.blocks import BaseStreamBlock, LessonStreamBlock, quiz_of
from portal import page_routes
from portal.text import index_tokens


class DeliveryMode(models.TextChoices):
    ONLINE = "online", _("Online")
    OFFLINE = "offline", _("Offline")
    BOTH = "both", _("Online and offline")


class LessonStage(models.TextChoices):
    ENTRY = "entry", _("Entry (入矫第一课)")
    ACTIVE = "active", _("In correction")
    PRE_RELEASE = "pre_release", _("Before release")


class Audience(models.TextChoices):
    ALL = "all", _("Adults and juveniles")
    ADULT = "adult", _("Adults")
    JUVENILE = "juvenile", _("Juveniles")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class FewerQueriesMixin:
    """Wagtail's check of view restrictions before serving, in one query rather than two
    (portal.page_routes)."""

    def get_view_restrictions(self):
        # Those read with the page's route when it was served (page_routes.route_below).
        served = getattr(self, "_served_view_restrictions", None)
        if served is not None:
            return served
        return page_routes.view_restrictions(self)


class CurriculumIndexPage(FewerQueriesMixin, Page):
    """The front of the curriculum: this year's monthly themes as a calendar, and the way into
    the standing series. One per site, so links and rules can find it."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    max_count = 1
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["curriculum.MonthlyThemePage", "curriculum.LessonSeriesIndexPage"]

    class Meta:
        verbose_name = _("curriculum index")

    def get_context(self, request, *args, **kwargs):
        from curriculum import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.month_calendar(self, request.GET.get("year")))
        context["series_indexes"] = LessonSeriesIndexPage.objects.child_of(self).live().public()
        return context

    def serve(self, request, *args, **kwargs):
        from curriculum.caching import serve_cached_for_anonymous

        return serve_cached_for_anonymous(self, super().serve, request, *args, **kwargs)

    def route(self, request, path_components):
        """Every page below in two queries, whatever its depth (portal.page_routes)."""
        if path_components:
            found = page_routes.route_below(self, request, path_components)
            if found is not None:
                return found
        return super().route(request, path_components)


class MonthlyThemePage(FewerQueriesMixin, Page):
    """每月一主题: one theme a month (家风教育, 人生规划, 革命传统 ...) and the lessons that
    carry it. On the first of its month every open group is given its lessons (curriculum.tasks)."""

    month = models.DateField(_("month"), help_text=_("Any day of the month; the first is stored."))
    theme = models.CharField(_("theme"), max_length=60, help_text=_("For example 家风教育."))
    summary = models.TextField(_("summary"), max_length=500)
    objectives = models.TextField(_("objectives"), blank=True, help_text=_("One per line."))
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover image"),
    )
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("introduction"))

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("month"), FieldPanel("theme")]),
        FieldPanel("summary"),
        FieldPanel("objectives"),
        FieldPanel("cover_image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("theme"),
        index.SearchField("summary"),
        index.FilterField("month"),
    ]

    parent_page_types = ["curriculum.CurriculumIndexPage"]
    subpage_types = ["curriculum.LessonPage"]

    class Meta:
        verbose_name = _("monthly theme")
        verbose_name_plural = _("monthly themes")

    def clean(self):
        super().clean()
        if self.month:
            self.month = self.month.replace(day=1)
            clash = MonthlyThemePage.objects.filter(month=self.month).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(
                    {
                        "month": _("%(month)s already has a theme.")
                        % {"month": f"{self.month:%Y-%m}"}
                    }
                )

    def objective_list(self) -> list[str]:
        return _lines(self.objectives)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = LessonPage.objects.child_of(self).live().public().order_by("path")
        return context

    def serve(self, request, *args, **kwargs):
        from curriculum.caching import serve_cached_for_anonymous

        return serve_cached_for_anonymous(self, super().serve, request, *args, **kwargs)


class LessonSeriesIndexPage(FewerQueriesMixin, Page):
    """Where the standing series live: lessons that are not tied to a month."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["curriculum.CurriculumIndexPage"]
    subpage_types = ["curriculum.LessonSeriesPage"]

    class Meta:
        verbose_name = _("standing series index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["series"] = LessonSeriesPage.objects.child_of(self).live().public()
        return context


class LessonSeriesPage(FewerQueriesMixin, Page):
    """A standing series such as 入矫第一课 (stage: entry) or the traffic-law lessons for 危险驾驶
    (offence). Its stage and offences are the assignment rule: a group of that stage, or with one
    of those offences, is given the series' lessons."""

    summary = models.TextField(_("summary"), max_length=500)
    stage = models.CharField(
        _("for groups at stage"),
        max_length=12,
        choices=LessonStage.choices,
        blank=True,
        help_text=_("Leave empty when the series is for an offence rather than a stage."),
    )
    offences = ParentalManyToManyField(
        "portal.OffenceCategory",
        blank=True,
        related_name="+",
        verbose_name=_("for groups with offence"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("stage"), FieldPanel("offences", widget=forms.CheckboxSelectMultiple)],
            heading=_("Who is given this series"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]

    parent_page_types = ["curriculum.LessonSeriesIndexPage"]
    subpage_types = ["curriculum.LessonPage"]

    class Meta:
        verbose_name = _("lesson series")
        verbose_name_plural = _("lesson series")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = LessonPage.objects.child_of(self).live().public().order_by("path")
        return context


class LessonPage(FewerQueriesMixin, Page):
    """One lesson: what it teaches, to whom, how long it takes and how it is delivered. Online
    learners open it, spend its time and answer its quiz; offline it is the plan of a session."""

    summary = models.TextField(_("summary"), max_length=500)
    body = StreamField(LessonStreamBlock(), verbose_name=_("lesson"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=45, help_text=_("Counted as learning time when completed.")
    )
    delivery_mode = models.CharField(
        _("delivery"), max_length=10, choices=DeliveryMode.choices, default=DeliveryMode.BOTH
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=LessonStage.choices, default=LessonStage.ACTIVE
    )
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.ALL
    )
    offences = ParentalManyToManyField(
        "portal.OffenceCategory",
        blank=True,
        related_name="+",
        verbose_name=_("offence categories"),
        help_text=_("Leave empty for a lesson meant for everyone."),
    )
    objectives = models.TextField(
        _("learning objectives"), blank=True, help_text=_("One per line.")
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("duration_minutes"), FieldPanel("delivery_mode")]),
                FieldRowPanel([FieldPanel("stage"), FieldPanel("audience")]),
                FieldPanel("offences", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Who and how"),
        ),
        FieldPanel("objectives"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("objectives"),
        index.SearchField("body"),
        # Segmented words, so that editors find a lesson by 矫正 in Wagtail's admin search (an
        # autocomplete query) and in full-text search alike, with the
        # tokens of the portal's own search (portal.text: jieba, once, with the domain's words).
        index.SearchField("search_text"),
        index.AutocompleteField("search_text"),
        index.FilterField("stage"),
        index.FilterField("audience"),
        index.FilterField("delivery_mode"),
    ]

    parent_page_types = ["curriculum.MonthlyThemePage", "curriculum.LessonSeriesPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @cached_property
    def quiz(self) -> dict | None:
        return quiz_of(self.body)

    @property
    def search_text(self) -> str:
        """Title, summary, objectives and body (not the quiz) as words for the search index."""
        body = []
        for child in self.body:
            if child.block_type != "quiz":
                body.extend(str(text) for text in child.block.get_searchable_content(child.value))
        return index_tokens("\n".join([self.title, self.summary, self.objectives, *body]))

    def objective_list(self) -> list[str]:
        return _lines(self.objectives)

    def get_context(self, request, *args, **kwargs):
        from curriculum import caching, selectors

        context = super().get_context(request, *args, **kwargs)
        if not getattr(request, "is_preview", False):
            # The lesson's own part of the page is cached (lesson_page.html) until the next
            # publish; a preview shows a draft, never cached.
            context["pages_generation"] = caching.generation()
            context["fragment_seconds"] = caching.ANONYMOUS_SECONDS
        memberships = getattr(self, "_learning_groups", None)
        context.update(selectors.lesson_page_context(self, request.user, memberships=memberships))
        return context

    def serve(self, request, *args, **kwargs):
        from curriculum import selectors
        from curriculum.caching import serve_cached_for_anonymous
        from curriculum.services import lesson_open_for_user

        if request.method == "GET" and request.user.is_authenticated:
            # Read once, for the clock and for the page (get_context): this instance is the
            # request's own, made by page_routes.
            self._learning_groups = selectors.learning_groups(request.user, lesson=self)
            lesson_open_for_user(lesson=self, user=request.user, memberships=self._learning_groups)

        return serve_cached_for_anonymous(self, super().serve, request, *args, **kwargs)


# Passing through the learning centre routes as Wagtail would (it resolves the same pages).
page_routes.ROUTES_LIKE_PAGE.add(CurriculumIndexPage.route)


def first_of_month(day: date) -> date:
    return day.replace(day=1)
