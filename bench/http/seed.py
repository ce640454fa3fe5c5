"""The data, users and sessions of `make bench-http`, made in-process (Django set up on the bench
database, as `python -m bench` does) with the bench scenarios' own seed() and users."""

import time
from urllib.parse import urlsplit

from bench.runner import BenchError, load_scenario


def seed(scenarios: list[str], scale: str, out) -> None:
    from django.db import connection

    for name in scenarios:
        start = time.perf_counter()
        made = load_scenario(name).seed(scale) or ""
        print(f"seed      {name:<11}{made:>40}   {time.perf_counter() - start:.1f} s", file=out)
        out.flush()
    if connection.vendor == "postgresql":
        # Planner statistics and the visibility map, as a live database's autovacuum keeps them
        # (without the map no index-only scan pays off; this machine's server has autovacuum off).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    _mark_seeded(scenarios, scale)


# What a seeded database holds (table bench_http_seeded), so --reuse can refuse one seeded at
# another scale or without a scenario the pages need (the figures would be of other data).
def _mark_seeded(scenarios: list[str], scale: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_http_seeded (scenario text PRIMARY KEY, scale text)"
        )
        for name in scenarios:
            cursor.execute(
                "INSERT INTO bench_http_seeded VALUES (%s, %s) "
                "ON CONFLICT (scenario) DO UPDATE SET scale = %s",
                [name, scale, scale],
            )


def check_seeded(scenarios: list[str], scale: str) -> None:
    from django.db import connection

    from bench.runner import BenchError

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_http_seeded')")
        seeded = {}
        if cursor.fetchone()[0]:
            cursor.execute("SELECT scenario, scale FROM bench_http_seeded")
            seeded = dict(cursor.fetchall())
    missing = [name for name in scenarios if seeded.get(name) != scale]
    if missing:
        raise BenchError(
            f"--reuse: the kept database was not seeded with {', '.join(missing)} at this scale; "
            "run once with --keep and without --reuse"
        )


def users(roles: set[str]) -> dict:
    """The user of each role (None for anonymous), found as the scenarios made them."""
    from bench.scenarios import dashboards, groups, partners
    from groups.models import Membership
    from portal.models import User

    found = {"anonymous": None}
    if roles & {"coordinator", "social_worker", "volunteer"}:
        coordinator = User.objects.get(email=groups.COORDINATOR)
        group = groups._group_of(coordinator)
        members = group.memberships.filter(left_at__isnull=True).select_related("user")
        found["coordinator"] = coordinator
        found["social_worker"] = members.get(role=Membership.Role.LEAD).user
        found["volunteer"] = members.filter(role=Membership.Role.VOLUNTEER).order_by("pk")[0].user
    if "learner" in roles:
        found["learner"] = (
            Membership.objects.filter(role="learner", left_at__isnull=True).order_by("pk")[0].user
        )
    if "partner" in roles:
        found["partner"] = User.objects.get(email=partners.EMPLOYER)
    if "observer" in roles:
        found["observer"] = User.objects.get(email=dashboards.OBSERVER)
    return {role: user for role, user in found.items() if role in roles}


def cookie_for(user) -> str:
    """A logged-in session in the database, as django.contrib.auth.login() would leave it; the
    auth hash is keyed by SECRET_KEY, so the server must run with this process's."""
    if user is None:
        return ""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def facts(paths: list[str], people: dict) -> dict:
    """The values the pages' paths name in braces, for those that name them."""
    from bench.scenarios import groups

    wanted = "".join(paths)
    found = {}
    if "{group}" in wanted:
        found["group"] = groups._group_of(people["coordinator"]).code
    if "{lesson}" in wanted:
        from curriculum.models import LessonPage

        lesson = LessonPage.objects.live().exclude(delivery_mode="offline").order_by("path")
        if not lesson.exists():
            raise BenchError("No online lesson was seeded.")
        found["lesson"] = urlsplit(lesson.first().url).path
    if "{organisation}" in wanted:
        from partners.models import Organisation

        found["organisation"] = Organisation.objects.get(members__user=people["partner"]).pk
    return found
