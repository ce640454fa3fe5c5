"""The menu (portal.context_processors.navigation) is kept per process for each account kind,
admin flag, set of staff roles and language: whoever built it first, each person must get the
menu and tab bar they would get built afresh, and the unread messages (a NavLink with a badge)
are each person's own."""

import pytest
from django.conf import settings
from django.urls import reverse

from portal import context_processors
from portal.models import StaffRole
from tests import factories

pytestmark = pytest.mark.django_db


def menu(client) -> tuple:
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 200
    nav = [(str(label), url) for label, url in response.context["nav_items"]]
    tabs = [(str(label), url, badge) for label, url, badge in response.context["tab_items"]]
    return nav, tabs


@pytest.fixture
def people(regions):
    both = factories.coordinator(regions["440104"])
    factories.StaffRoleFactory(
        user=both, role=StaffRole.Role.EDUCATION_OFFICER, region=regions["440106"]
    )
    observer = factories.StaffRoleFactory(
        role=StaffRole.Role.OBSERVER, region=regions["440000"]
    ).user
    return {
        "coordinator": factories.coordinator(regions["440106"]),
        "another coordinator": factories.coordinator(regions["510107"]),
        "coordinator and officer": both,
        "officer": factories.education_officer(regions["440106"]),
        "observer": observer,
        "staff without a role": factories.UserFactory(kind="staff"),
        "admin": factories.AdminFactory(),
        "volunteer": factories.VolunteerFactory(),
        "social worker": factories.SocialWorkerFactory(),
        "learner": factories.LearnerFactory(),
        "partner": factories.PartnerMemberFactory(),
    }


def test_everyone_gets_the_menu_built_for_them_whoever_came_first(people, client_for):
    clients = {who: client_for(user) for who, user in people.items()}
    fresh = {}
    for who, client in clients.items():
        context_processors._MENUS.clear()
        fresh[who] = menu(client)
    context_processors._MENUS.clear()
    for order in (list(clients), list(reversed(clients))):
        for who in order:
            assert menu(clients[who]) == fresh[who], who
    # Different permissions, different menus: none was handed to someone else.
    audit = reverse("portal:audit_log")
    assert [who for who, (nav, _tabs) in fresh.items() if any(u == audit for _l, u in nav)] == [
        "coordinator",
        "another coordinator",
        "coordinator and officer",
        "admin",
    ]


def test_the_unread_count_is_each_persons_own(client_for, monkeypatch):
    unread = {}
    monkeypatch.setattr("messaging.nav.unread_total", lambda user: unread[user.pk])
    people = [factories.VolunteerFactory() for _ in range(3)]
    for user, count in zip(people, (0, 3, 120), strict=True):
        unread[user.pk] = count
    inbox = reverse("messaging:inbox")
    for _ in range(2):
        seen = []
        for user in people:
            nav, tabs = menu(client_for(user))
            seen.append(
                (
                    [label for label, url in nav if url == inbox],
                    [t[2] for t in tabs if t[1] == inbox],
                )
            )
        assert seen == [
            (["消息"], [0]),
            (["消息（3 条未读）"], [3]),
            (["消息（99+ 条未读）"], ["99+"]),
        ]


def test_the_menu_follows_the_language(people, client_for):
    client = client_for(people["coordinator"])
    inbox = reverse("messaging:inbox")
    chinese, _tabs = menu(client)
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})
    english, _tabs = menu(client)
    assert ("消息", inbox) in chinese and ("Messages", inbox) in english
    groups = reverse("groups:list")
    assert ("矫正小组", groups) in chinese and ("Correction groups", groups) in english
