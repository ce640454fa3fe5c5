"""The group page from queries compiled once per process (#20: groups.selectors.group_for_user,
groups.detail) shows, to each role, what the ORM's reads showed before, through the template as
it was before its labels, dates and URLs were made in Python (#20: group_detail_before.html).

The plain ORM reads and the plain template are the oracle the compiled reads and the prepared
values are checked against: a change to what the page shows goes into both templates."""

import re
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.template import engines
from django.urls import reverse
from django.utils import translation

from groups import selectors, services
from groups.detail import _timeline_label
from groups.models import CorrectionGroup, Membership
from portal import services as portal_services
from portal.models import AuditEvent


def orm_page_data(group, access) -> dict:
    """The group page's data as the ORM read it before #20 (select_related, related managers)."""
    memberships = list(
        group.memberships.select_related("user").order_by("left_at", "role", "joined_at")
    )
    data = {
        "needs": list(group.group_needs.select_related("need")),
        "members": [m for m in memberships if m.left_at is None],
        "past_members": [m for m in memberships if m.left_at is not None]
        if access.sees_timeline
        else [],
    }
    if access.is_coordinator:
        data["learner"] = next((m for m in data["members"] if m.role == "learner"), None)
    if access.sees_restrictions:
        data["forbidden_industries"] = list(group.forbidden_industries.all())
        data["approved_regions"] = list(group.approved_regions.all())
    if access.sees_timeline:
        timeline = list(
            AuditEvent.objects.filter(
                object_type=ContentType.objects.get_for_model(CorrectionGroup),
                object_id=str(group.pk),
            )
            .exclude(action="group.viewed")
            .select_related("actor")[:50]
        )
        for event in timeline:
            event.label = _timeline_label(event)
        data["timeline"] = timeline
    return data


# The group page's template before groups.detail made its labels, dates and removal URLs.
BEFORE = Path(__file__).with_name("group_detail_before.html")


def main(html: str) -> str:
    return re.search(r"<main.*</main>", html, re.S).group(0)


@pytest.fixture
def busy(world):
    """The world's group with a former member and a change the system made (no actor)."""
    volunteer = Membership.objects.get(group=world.group, user=world.volunteer)
    services.member_remove(membership=volunteer, removed_by=world.coordinator)
    portal_services.audit_record(
        actor=None,
        action="group.stage_changed",
        target=world.group,
        region=world.group.judicial_office,
        data={"from": "entry", "to": "active"},
    )
    return world


@pytest.mark.parametrize(
    "person", ["coordinator", "city_coordinator", "lead", "social_worker", "partner", "learner"]
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_role_sees_what_the_orm_reads_showed(busy, client_for, person, language):
    client = client_for(getattr(busy, person))
    client.cookies["django_language"] = language
    response = client.get(reverse("groups:detail", args=[busy.group.code]))
    assert response.status_code == 200
    group = CorrectionGroup.objects.select_related("judicial_office", "offence").get(
        pk=busy.group.pk
    )
    access = response.context["access"]
    with translation.override(language):
        before = (
            engines["django"]
            .from_string(BEFORE.read_text())
            .render(
                {"group": group, "access": access, **orm_page_data(group, access)},
                response.wsgi_request,
            )
        )
    assert main(response.content.decode()) == main(before)


def test_the_group_comes_whole_with_its_office_and_offence(world):
    group, access = selectors.group_for_user(world.coordinator, world.group.code, audit=False)
    expected = CorrectionGroup.objects.select_related("judicial_office", "offence").get(
        pk=world.group.pk
    )
    for field in CorrectionGroup._meta.concrete_fields:
        assert getattr(group, field.attname) == getattr(expected, field.attname), field.name
    assert group.judicial_office.path == expected.judicial_office.path
    assert group.judicial_office.level == expected.judicial_office.level
    assert str(group.offence) == str(expected.offence)
    assert access.is_coordinator and access.role is None
    _group, lead_access = selectors.group_for_user(world.lead, world.group.code, audit=False)
    assert lead_access.role == Membership.Role.LEAD and not lead_access.is_coordinator
