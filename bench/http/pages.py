"""The pages `make bench-http` drives, as data: one row per page and role.

A path may name facts of the seeded data in braces ({group}: the coordinator's group, {lesson}:
an online lesson's URL, {organisation}: the employer's organisation), filled in by
bench.http.seed.facts(). A query's "page": DEEP asks for page 50, or the last page when the list
is shorter (small scale). `needs` names the bench scenarios whose seed() makes the page's data;
the role's user comes from ROLES. Add the API and new dashboards here as they arrive.
"""

from dataclasses import dataclass, field

DEEP = "deep"  # page 50, or the list's last page when it has fewer
DEEP_PAGE = 50

# role -> (the bench scenario that makes its user, how seed.users() finds it)
ROLES = {
    "anonymous": ((), "nobody"),
    "coordinator": (("groups",), "province coordinator of 广东省 (groups scenario)"),
    "social_worker": (("groups",), "lead of the coordinator's group"),
    "volunteer": (("groups",), "volunteer in the coordinator's group"),
    "learner": (("curriculum",), "learner account of a group"),
    "partner": (("partners",), "owner of an employer organisation"),
    "observer": (("dashboards",), "observer of 广东省"),
}


@dataclass(frozen=True)
class Page:
    name: str
    role: str
    path: str
    query: dict = field(default_factory=dict)
    needs: tuple[str, ...] = ()


GROUP_FILTERS = {"stage": "active", "need": "employment"}
JOB_FILTERS = {"region": "440100", "industry": "C", "salary": "4000"}
DIRECTORY_FILTERS = {"status": "approved", "kind": "volunteer", "skill": "it"}

PAGES = (
    # Anonymous visitors
    Page("home", "anonymous", "/"),
    Page("lesson", "anonymous", "{lesson}", needs=("curriculum",)),
    Page("lessons", "anonymous", "/learning/lessons/", {"stage": "active", "mode": "online"},
         needs=("curriculum",)),
    Page("search", "anonymous", "/search/", {"q": "就业"}, needs=("search",)),
    Page("jobs", "anonymous", "/partners/jobs/", needs=("partners",)),
    Page("jobs-filtered", "anonymous", "/partners/jobs/", JOB_FILTERS, needs=("partners",)),
    Page("jobs-deep", "anonymous", "/partners/jobs/", {"region": "440100", "page": DEEP},
         needs=("partners",)),
    # The learner
    Page("my-lessons", "learner", "/learning/mine/", needs=("curriculum",)),
    Page("lesson-learner", "learner", "{lesson}", needs=("curriculum",)),
    Page("me-learner", "learner", "/me/"),
    # A province coordinator
    Page("me-coordinator", "coordinator", "/me/"),
    Page("group-list", "coordinator", "/groups/", GROUP_FILTERS),
    Page("group-list-deep", "coordinator", "/groups/", {**GROUP_FILTERS, "page": DEEP}),
    Page("group", "coordinator", "/groups/{group}/"),
    Page("search-coordinator", "coordinator", "/search/", {"q": "就业"}, needs=("search",)),
    Page("search-coordinator-2", "coordinator", "/search/", {"q": "矫正"}, needs=("search",)),
    Page("search-coordinator-3", "coordinator", "/search/", {"q": "法律援助"}, needs=("search",)),
    Page("learning-report", "coordinator", "/learning/report/", needs=("curriculum",)),
    Page("vetting-queue", "coordinator", "/volunteers/queue/", needs=("volunteers",)),
    Page("directory-deep", "coordinator", "/volunteers/directory/",
         {**DIRECTORY_FILTERS, "page": DEEP}, needs=("volunteers",)),
    Page("suggestions", "coordinator", "/groups/{group}/suggestions/", needs=("volunteers",)),
    Page("matching-overview", "coordinator", "/groups/matching/", needs=("volunteers",)),
    # Group members
    Page("me-social-worker", "social_worker", "/me/"),
    Page("me-volunteer", "volunteer", "/me/"),
    # An employer
    Page("me-partner", "partner", "/me/"),
    Page("employer-dashboard", "partner", "/partners/organisations/{organisation}/manage/"),
    # An observer of the province
    Page("me-observer", "observer", "/me/"),
    Page("dashboard-province", "observer", "/dashboard/440000/"),
    Page("dashboard-county", "observer", "/dashboard/440106/"),
)  # fmt: skip

# Server-time budgets (ms, p95) of issue 20, measured apart from the load: one connection, one
# request after another, so the time is the server's and not a queue's.
BUDGETS = {
    "suggestions": 100,
    "matching-overview": 300,
    "search-coordinator": 50,
    "search-coordinator-2": 50,
    "search-coordinator-3": 50,
}

# Pages that keep what they worked out in the shared cache under a generation (the cache key
# the server's Django cache uses for it). Their budgets are measured twice: as visited (kept,
# but for the first request) and worked out again, the generation raised before each request,
# so the engine's own time is still measured against the budget.
WORKED_OUT = {
    "suggestions": "matching.generation",
    "matching-overview": "matching.generation",
}

# Seeded in this order (later scenarios top up what earlier ones made; search indexes it all).
SEED_ORDER = ("groups", "volunteers", "partners", "curriculum", "dashboards", "search")


def by_name(names: list[str] | None) -> list[Page]:
    if not names:
        return list(PAGES)
    known = {page.name: page for page in PAGES}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise KeyError(", ".join(unknown))
    return [known[name] for name in dict.fromkeys(names)]


def scenarios_for(pages: list[Page]) -> list[str]:
    """The scenarios to seed for these pages: their own and their roles' users'."""
    wanted = {need for page in pages for need in (*page.needs, *ROLES[page.role][0])}
    return [name for name in SEED_ORDER if name in wanted]
