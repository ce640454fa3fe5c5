"""No input makes a page fail: every URL pattern of ours, with odd strings and huge numbers in
its path, its query and its form fields, answers 4xx or a normal page, never a 500.

The world is the demo (`seed_demo`: every role, groups, chats, lessons, activities,
organisations). The pages each role reaches are crawled once to learn real path arguments
and the names of the fields their forms send; then
- a sweep sends the two classic offenders (a superscript digit, 2**64) in every path argument,
  query parameter and form field of every pattern, as anonymous, a coordinator and a volunteer;
- a property-based test (hypothesis) draws a role of the demo, a pattern and odd values.
Every request runs in a savepoint rolled back after it, so one request's writes never change
what the next one sees.
"""

import re
import traceback
from collections import defaultdict
from html import unescape
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.models import User
from tests.url_coverage import our_patterns

pytestmark = pytest.mark.django_db

SUPERSCRIPT_TWO = "²"
TWO_TO_THE_64 = str(2**64)
# Route arguments that name something other than a database id.
TEXT_ARGUMENTS = {"code", "token", "kind"}

# The classic offenders and their cousins: digits str.isdigit() accepts and int() refuses,
# other scripts' digits, numbers beyond every integer column, signs, blanks and NUL.
ODD_STRINGS = [
    SUPERSCRIPT_TWO,
    "¹²³",
    "①",
    "٣",
    "１２",
    "𝟘",
    TWO_TO_THE_64,
    str(2**63),
    str(2**31),
    "9" * 40,
    "-1",
    "0",
    "+1",
    " 1",
    "1.5",
    "1e9",
    "0x10",
    "",
    " ",
    "\x00",
    "null",
    "[]",
    "../../etc/passwd",
    "测试",
    "a" * 300,
]
ODD_VALUES = st.one_of(
    st.sampled_from(ODD_STRINGS),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(
        alphabet=st.characters(categories=["Nd", "No", "Zs", "Cc", "Lo"]),
        min_size=0,
        max_size=24,
    ),
)
# Query and form names read by hand somewhere (grep request.GET/POST); the crawl adds the
# names every form of the demo sends.
KNOWN_NAMES = {
    "page",
    "year",
    "month",
    "before",
    "organisation",
    "purpose",
    "region",
    "kind",
    "sort",
    "dir",
    "format",
    "code",
    "next",
    "status",
    "group",
    "profile",
    "row",
    "answer",
    "lesson",
    "activity",
    "user",
    "member",
    "cleared",
    "confirm",
    "approve",
    "decision",
    "id",
}
DEMO_ROLES = (
    "coordinator",
    "volunteer",
    "socialworker",
    "partner",
    "learner",
    "admin",
    "editor",
    "observer",
)
SWEEP_ROLES = ("anonymous", "coordinator", "volunteer")

HREF = re.compile(r"""(?:href|action)="([^"#]*)\"""")
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
NAME = re.compile(r"""\bname="([^"]+)\"""")
ACTION = re.compile(r"""\baction="([^"]*)\"""")
METHOD = re.compile(r"""\bmethod="([^"]*)\"""", re.I)


def _path_of(url: str) -> str | None:
    url = unescape(url)
    if url.startswith(("http://testserver", "https://testserver")):
        url = url.split("testserver", 1)[1]
    if not url.startswith("/") or url.startswith("//"):
        return None
    return url.split("?", 1)[0]


class World(SimpleNamespace):
    """What the crawl learnt: real arguments per route, field names per route."""


def _crawl(clients: dict[str, Client], routes: dict[str, str]) -> World:
    examples: dict[str, list[dict]] = defaultdict(list)
    fields: dict[str, set[str]] = defaultdict(set)
    served: list[str] = []  # Wagtail's pages (lessons, themes, the calendar) read ?year= too
    for client in clients.values():
        queue = ["/" + route for route in routes if "<" not in route]
        queue += ["/"]
        seen, per_route = set(), defaultdict(int)
        while queue:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            try:
                match = resolve(path)
            except Resolver404:
                continue
            if match.url_name == "wagtail_serve":
                if path not in served and len(served) < 8:
                    served.append(path)
                elif path not in served:
                    continue
            elif match.route not in routes:
                continue
            known = examples[match.route]
            if match.kwargs and len(known) < 3 and match.kwargs not in known:
                known.append(match.kwargs)
            key = path if match.url_name == "wagtail_serve" else match.route
            per_route[key] += 1
            if per_route[key] > 2 or path.endswith((".xlsx", ".png", ".ics", ".csv")):
                continue
            response = client.get(path)
            if response.status_code in (301, 302) and _path_of(response["Location"]):
                queue.append(_path_of(response["Location"]))  # /messages/group/…/ → the room
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            for attributes, body in FORM.findall(html):
                action = ACTION.search(attributes)
                target = _path_of(action.group(1)) if action and action.group(1) else path
                method = METHOD.search(attributes)
                if target:
                    try:
                        action_match = resolve(target)
                    except Resolver404:
                        continue
                    route = action_match.route
                    known = examples[route]
                    if action_match.kwargs and len(known) < 3 and action_match.kwargs not in known:
                        known.append(action_match.kwargs)
                    fields[route] |= set(NAME.findall(body)) - {"csrfmiddlewaretoken"}
                    if method and method.group(1).lower() == "get":
                        fields[match.route] |= set(NAME.findall(body))
            for url in HREF.findall(html):
                target = _path_of(url)
                if target and target not in seen:
                    queue.append(target)
    return World(examples=examples, fields=fields, served=served)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo, seeded once for this module inside a transaction rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
            clients = {"anonymous": Client(raise_request_exception=False)}
            for role in DEMO_ROLES:
                client = Client(raise_request_exception=False)
                client.force_login(User.objects.get(email=f"{role}@demo.portal.cn"))
                clients[role] = client
            routes = our_patterns()
            found = _crawl(clients, routes)
            yield World(clients=clients, routes=routes, **vars(found))
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _path(route: str, kwargs: dict) -> str:
    def value(m):
        return str(kwargs[m.group(2)])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def _arguments(route: str) -> list[tuple[str, str]]:
    return re.findall(r"<(?:(\w+):)?(\w+)>", route)


def _real_kwargs(world: World, route: str) -> dict:
    if world.examples.get(route):
        return dict(world.examples[route][0])
    # Nobody reached it through a link: take 1 for ids, a demo group's code for codes.
    return {
        name: ("440106" if route.startswith("dashboard/") else "GD-440106-2026-0001")
        if name in TEXT_ARGUMENTS
        else 1
        for _, name in _arguments(route)
    }


def _names(world: World, route: str) -> set[str]:
    return world.fields.get(route, set()) | KNOWN_NAMES


def _cause(response) -> str:
    """The exception and the last line of ours it passed through, for the failure message."""
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return ""
    ours = [
        f"{frame.filename.split('/work/main/')[-1]}:{frame.lineno}"
        for frame in traceback.extract_tb(exc_info[2])
        if ".venv" not in frame.filename and "/site-packages/" not in frame.filename
    ]
    return f"\n      {exc_info[0].__name__}: {str(exc_info[1])[:120]} at {ours[-1:] or '?'}"


# Counted for the record (README, "Security"): patterns visited and requests sent.
TALLY = {"routes": set(), "requests": 0, "swept": 0}


class Failures(list):
    def check(self, role, method, path, data, response):
        TALLY["requests"] += 1
        if response.status_code >= 500:
            self.append(
                f"{response.status_code} {role} {method} {path} {data!r:.160}{_cause(response)}"
            )


def _request(world, role, method, path, data, failures):
    client = world.clients[role]
    TALLY["routes"].add(resolve(path.split("?")[0]).route if _resolves(path) else path)
    cache.clear()  # rate limits of one request must not answer the next with 429
    sid = transaction.savepoint()
    try:
        response = getattr(client, method)(path, data)
    finally:
        transaction.savepoint_rollback(sid)
    failures.check(role, method, path, data, response)
    return response


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _odd_paths(world: World, route: str, values) -> list[str]:
    paths = []
    real = _real_kwargs(world, route)
    for converter, name in _arguments(route):
        for value in values:
            if converter in ("id", "int", "") and not value.isascii():
                continue  # the converter's pattern does not match: the resolver's 404
            if converter == "posting" or (converter == "str" and "/" in value):
                continue
            paths.append(_path(route, {**real, name: value}))
    return paths


def test_the_crawl_reached_the_pages_with_arguments(world):
    with_arguments = [route for route in world.routes if "<" in route]
    reached = [route for route in with_arguments if world.examples.get(route)]
    missing = sorted(set(with_arguments) - set(reached))
    assert len(reached) >= len(with_arguments) // 2, "\n".join(missing)


@pytest.mark.parametrize("role", SWEEP_ROLES)
def test_no_pattern_answers_odd_input_with_a_500(world, role):
    failures = Failures()
    odd = [SUPERSCRIPT_TWO, TWO_TO_THE_64]
    for route in sorted(world.routes):
        if "<" in route:
            for path in _odd_paths(world, route, odd):
                _request(world, role, "get", path, {}, failures)
        path = _path(route, _real_kwargs(world, route))
        for value in odd:
            data = dict.fromkeys(_names(world, route), value)
            for method in ("get", "post"):
                _request(world, role, method, path, data, failures)
    for path in world.served:
        for value in odd:
            _request(world, role, "get", path, dict.fromkeys(KNOWN_NAMES, value), failures)
    TALLY["swept"] += 1
    assert not failures, f"{len(failures)} requests failed:\n" + "\n".join(failures)


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_odd_input_never_answers_500_whoever_asks(world, data):
    role = data.draw(st.sampled_from(("anonymous", *DEMO_ROLES)), label="role")
    route = data.draw(st.sampled_from(sorted(world.routes)), label="route")
    value = data.draw(ODD_VALUES, label="value")
    failures = Failures()
    paths = _odd_paths(world, route, [value]) or [_path(route, _real_kwargs(world, route))]
    path = data.draw(st.sampled_from(paths), label="path")
    names = sorted(_names(world, route))
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
    payload = {name: data.draw(ODD_VALUES, label=name) for name in chosen}
    method = data.draw(st.sampled_from(("get", "post")), label="method")
    _request(world, role, method, path, payload, failures)
    assert not failures, failures[0]


def test_an_odd_id_is_a_translated_400_or_404(world):
    volunteer = world.clients["volunteer"]
    room = _path(
        "messages/c/<id:conversation_id>/", _real_kwargs(world, "messages/c/<id:conversation_id>/")
    )
    response = volunteer.get(room, {"before": SUPERSCRIPT_TWO})
    assert response.status_code == 400 and "请求有误" in response.content.decode()
    response = volunteer.get(f"/learning/lessons/{TWO_TO_THE_64}/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_the_tally(world):
    """Runs last in this module: what the tests above visited (shown with -s)."""
    ours = {route for route in TALLY["routes"] if route in world.routes}
    print(f"\nodd input: {len(ours)} URL patterns visited, {TALLY['requests']} requests")
    if TALLY["swept"] == len(SWEEP_ROLES):
        assert ours == set(world.routes)
