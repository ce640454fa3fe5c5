"""Which of our URL patterns the suite requests (Zulip's rule: a pattern no test requests is a
page nobody checks). A pytest plugin, loaded by tests/conftest.py.

Every request the Django handler resolves in this process is recorded: the test client, the
live server's thread and in-process ASGI. A view called directly (RequestFactory) is not a
request; servers started as subprocesses (uvicorn) are not seen.

A run of the whole suite with no failures ends by judging: any pattern of ours never requested
fails the run (exit status 1, the list in the summary). Under pytest-xdist every worker sends
what it saw to the controller, which judges the union. A subset, -k, -m or a run with failures
says nothing about the pages nobody tests, so it is not judged. With URL_COVERAGE_REPORT=<file>
any run writes the unrequested list there.
"""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Patterns of ours no test can request, with the reason. Keep it short.
EXEMPT: dict[str, str] = {}

requested_routes: set[str] = set()
run = {"whole_suite": False, "deselected": 0, "workers": [], "missing": [], "judged": 0}


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
    run["deselected"] += len(items)


def pytest_collection_finish(session):
    run["whole_suite"] = _is_whole_suite(session) and not run["deselected"]


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller judges
        workeroutput["requested_routes"] = sorted(requested_routes)
        workeroutput["whole_suite"] = run["whole_suite"]
        return
    if run["workers"]:
        run["whole_suite"] = all(worker["whole_suite"] for worker in run["workers"])
        for worker in run["workers"]:
            requested_routes.update(worker["requested_routes"])
    target = os.environ.get("URL_COVERAGE_REPORT")
    if target:
        Path(target).write_text("".join(f"{line}\n" for line in unrequested()), encoding="utf-8")
    if run["whole_suite"] and not session.testsfailed and session.exitstatus == 0:
        run["missing"] = unrequested()
        run["judged"] = len(set(our_patterns()) - set(EXEMPT))
        if run["missing"]:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """xdist's controller: a worker finished; keep what it requested."""
    output = getattr(node, "workeroutput", None) or {}
    if "requested_routes" in output:
        run["workers"].append(output)


def pytest_terminal_summary(terminalreporter):
    if run["judged"] and not run["missing"]:
        terminalreporter.write_line(
            f"URL coverage: all {run['judged']} URL patterns of ours were requested"
        )
    if run["missing"]:
        terminalreporter.section("URL patterns no test requested", red=True)
        terminalreporter.write_line(
            "Request each in a test of who may and who may not, or exempt it with its reason"
            " in tests/url_coverage.py EXEMPT:"
        )
        for line in run["missing"]:
            terminalreporter.write_line(f"  {line}")
