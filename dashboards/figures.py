"""Every figure a dashboard shows, in the order shown, with what it means. The keys are what
models.MonthFigure stores; compute/ fills them, selectors read them, export writes them.

Units: COUNT (people, groups, things: the small-cell rule applies), TENTHS (hours stored in
tenths, so sums stay exact), MINUTES (shown as hours), SHARE (a percentage of two stored counts,
never stored). A figure with no key is one the sources asked for that the portal does not record:
the page says so instead of inventing it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

COUNT, TENTHS, MINUTES, SHARE = "count", "tenths", "minutes", "share"
# Learning by theme and series: one stored key per theme or series page, "<prefix><page id>".
LESSONS_PREFIX = "learning.lessons."


@dataclass(frozen=True)
class Figure:
    key: str | None
    label: str
    unit: str = COUNT
    # SHARE: numerator and denominator keys.
    of: tuple[str, str] | None = None
    # Drawn in the section's 12-month trend and offered in the child-region comparison.
    headline: bool = False
    help: str = ""

    @property
    def recorded(self) -> bool:
        return self.key is not None


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    sheet: str  # the .xlsx sheet name (31 characters at most)
    figures: tuple[Figure, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "people",
        _("Social forces"),
        _("Social forces"),
        (
            Figure("people.social_workers", _("Social workers (approved)"), headline=True),
            Figure("people.volunteers", _("Volunteers (approved)"), headline=True),
            Figure(
                "people.volunteers_active",
                _("Volunteers active this month"),
                headline=True,
                help=_("With confirmed service hours or a check-in at an activity."),
            ),
            Figure("people.universities", _("Universities (verified)")),
            Figure("people.enterprises", _("Enterprises (verified)"), headline=True),
            Figure("people.agencies", _("Social-work agencies (verified)")),
        ),
    ),
    Section(
        "groups",
        _("Correction groups"),
        _("Correction groups"),
        (
            Figure("groups.open", _("Open groups"), headline=True),
            Figure("groups.entry", _("Open, at entry (入矫)")),
            Figure("groups.active", _("Open, in correction (在矫)")),
            Figure("groups.no_volunteer", _("Open groups with no volunteer"), headline=True),
            Figure("groups.unmet_needs", _("Open groups with unmet needs"), headline=True),
            Figure("groups.started", _("Entered this month")),
            Figure("groups.closed", _("Closed this month (解矫)")),
        ),
    ),
    Section(
        "learning",
        _("Learning"),
        _("Learning"),
        (
            Figure("learning.online_minutes", _("Online learning (hours)"), MINUTES, headline=True),
            Figure(
                "learning.offline_minutes", _("Offline learning (hours)"), MINUTES, headline=True
            ),
            Figure("learning.groups_due", _("Groups open this month")),
            Figure("learning.groups_met", _("Groups meeting the month's requirement")),
            Figure(
                "learning.share_met",
                _("Share of groups meeting the requirement"),
                SHARE,
                of=("learning.groups_met", "learning.groups_due"),
                headline=True,
            ),
            Figure("learning.completions", _("Online lessons completed")),
            Figure("learning.attendances", _("Offline lessons attended")),
            Figure("learning.sessions", _("Offline sessions held")),
            Figure(
                "learning.first_lesson",
                _("入矫第一课 taken within the entry period"),
                help=_("Groups that entered this month and took a 入矫第一课 lesson in time."),
            ),
            Figure(
                "learning.first_lesson_share",
                _("Share of new groups taking 入矫第一课 in time"),
                SHARE,
                of=("learning.first_lesson", "groups.started"),
            ),
            Figure(None, _("Group (集体) and individual (个别) sessions told apart")),
        ),
    ),
    Section(
        "service",
        _("Service hours and stars"),
        _("Service hours and stars"),
        (
            Figure("service.hours", _("Confirmed service hours"), TENTHS, headline=True),
            Figure("service.records", _("Confirmed service records")),
            Figure("service.stars_1", _("One star (100 h)")),
            Figure("service.stars_2", _("Two stars (300 h)")),
            Figure("service.stars_3", _("Three stars (600 h)")),
            Figure("service.stars_4", _("Four stars (1,000 h)")),
            Figure("service.stars_5", _("Five stars (1,500 h)")),
        ),
    ),
    Section(
        "referrals",
        _("Referrals and jobs"),
        _("Referrals and jobs"),
        (
            Figure("referrals.sent", _("Referrals sent"), headline=True),
            Figure("referrals.vocational", _("Of which to vocational training (职业技能培训)")),
            Figure("referrals.answered", _("Answered by the organisation")),
            Figure("referrals.answered_in_time", _("Answered in time")),
            Figure(
                "referrals.share_in_time",
                _("Share answered in time"),
                SHARE,
                of=("referrals.answered_in_time", "referrals.answered"),
            ),
            Figure("referrals.interviews", _("Interviews")),
            Figure("referrals.hired", _("Hired"), headline=True),
            Figure("referrals.checked_30", _("30-day checks recorded")),
            Figure("referrals.retained_30", _("Still employed at 30 days")),
            Figure("referrals.checked_90", _("90-day checks recorded")),
            Figure("referrals.retained_90", _("Still employed at 90 days")),
            Figure(None, _("Employment guidance (就业指导) sessions")),
        ),
    ),
    Section(
        "activities",
        _("Activities"),
        _("Activities"),
        (
            Figure("activities.held", _("Activities held"), headline=True),
            Figure("activities.signups", _("Places taken")),
            Figure("activities.checked_in", _("Participants checked in"), headline=True),
            Figure("activities.hours", _("Confirmed hours at activities"), TENTHS),
        ),
    ),
)

SECTION_BY_CODE = {section.code: section for section in SECTIONS}
FIGURES = {f.key: f for s in SECTIONS for f in s.figures if f.recorded}
# Stored keys (shares are worked out from two of them when shown).
STORED = tuple(key for key, f in FIGURES.items() if f.unit != SHARE)
HEADLINE = tuple(key for key, f in FIGURES.items() if f.headline)
# What the trend query reads: the headline figures and the parts of headline shares.
TREND_KEYS = tuple(
    dict.fromkeys(
        part
        for key in HEADLINE
        for part in (FIGURES[key].of if FIGURES[key].unit == SHARE else (key,))
    )
)
