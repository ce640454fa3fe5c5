"""Which of our URL patterns the suite requests (Zulip's rule: a pattern no test requests is a
page nobody checks). A pytest plugin, loaded by tests/conftest.py.

Every request the Django handler resolves in this process is recorded: the test client, the
live server's thread and in-process ASGI. A view called directly (RequestFactory) is not a
request; servers started as subprocesses (uvicorn) are not seen.
tests/test_url_coverage.py runs last in a whole-suite run and fails on any pattern of ours
never requested. With URL_COVERAGE_REPORT=<file> any run writes the unrequested list there.
"""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COVERAGE_TEST = "test_url_coverage.py"

# Patterns of ours no test can request, with the reason. Keep it short.
EXEMPT: dict[str, str] = {}

requested_routes: set[str] = set()
run = {"whole_suite": False, "skipped": 0, "collected": 0}


def _record_resolved_routes():
    from django.core.handlers.base import BaseHandler

    resolve_request = BaseHandler.resolve_request
    if getattr(resolve_request, "records_routes", False):
        return

    def recording(self, request):
        match = resolve_request(self, request)
        requested_routes.add(match.route)
        return match

    recording.records_routes = True
    BaseHandler.resolve_request = recording


def _join(route1: str, route2: str) -> str:
    # As django.urls.resolvers.URLResolver._join_route builds ResolverMatch.route.
    return route2 if not route1 else route1 + route2.removeprefix("^")


def our_patterns() -> dict[str, str]:
    """Route -> name of every URL pattern whose view is defined in one of our apps (wagtail's,
    allauth's and Django's own patterns are theirs to test)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    found = {}

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            route = _join(prefix, str(pattern.pattern))
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                walk(pattern.url_patterns, route, inner)
            elif (
                isinstance(pattern, URLPattern)
                and pattern.callback.__module__.split(".")[0] in apps
            ):
                name = ":".join(filter(None, [namespace, pattern.name]))
                found.setdefault(route, name or pattern.lookup_str)

    walk(get_resolver().url_patterns, "", "")
    return found


def unrequested() -> list[str]:
    return sorted(
        f"{name}  /{route}"
        for route, name in our_patterns().items()
        if route not in requested_routes and route not in EXEMPT
    )


def _is_whole_suite(session) -> bool:
    """Every test file under tests/ collected from the plain suite arguments, none deselected."""
    config = session.config
    tests = ROOT / "tests"
    for arg in config.args:
        path = Path(arg.split("::")[0]).resolve()
        if "::" in arg or path not in (tests, ROOT):
            return False
    if config.option.keyword or config.option.markexpr or config.option.collectonly:
        return False
    on_disk = {path.resolve() for path in tests.rglob("test_*.py")}
    collected = {Path(item.path).resolve() for item in session.items}
    return on_disk <= collected


def pytest_configure(config):
    _record_resolved_routes()


def pytest_deselected(items):
    run["deselected"] = run.get("deselected", 0) + len(items)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    """The coverage test runs after every other test."""
    last = [item for item in items if Path(item.path).name == COVERAGE_TEST]
    items[:] = [item for item in items if item not in last] + last


def pytest_collection_finish(session):
    run["whole_suite"] = _is_whole_suite(session) and not run.get("deselected")
    run["collected"] = len(session.items)


def pytest_runtest_logreport(report):
    if report.skipped:
        run["skipped"] += 1


def pytest_sessionfinish(session):
    target = os.environ.get("URL_COVERAGE_REPORT")
    if target:
        Path(target).write_text("".join(f"{line}\n" for line in unrequested()), encoding="utf-8")
