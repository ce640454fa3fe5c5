"""Reopening a closed group through its page: coordinators over the group only, with a reason
that lands in the audit trail; ended memberships are not restored."""

import pytest
from django.urls import reverse

from groups import services
from groups.models import CorrectionGroup
from portal.models import AuditEvent


@pytest.fixture
def closed(world):
    services.group_close(
        group=world.group, reason=CorrectionGroup.ClosedReason.RELEASED, closed_by=world.coordinator
    )
    world.group.refresh_from_db()
    return world


@pytest.mark.parametrize("person", ["coordinator", "city_coordinator"])
def test_a_coordinator_over_the_group_reopens_it_with_a_reason(closed, client_for, person):
    client = client_for(getattr(closed, person))
    url = reverse("groups:reopen", args=[closed.group.code])
    assert client.get(url).status_code == 200

    response = client.post(url, {"reason": "法院撤销原裁定，恢复社区矫正"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("groups:detail", args=[closed.group.code])
    assert "小组已重新开启。" in response.content.decode()
    closed.group.refresh_from_db()
    assert closed.group.status == CorrectionGroup.Status.ACTIVE
    event = AuditEvent.objects.get(action="group.reopened")
    assert event.data == {"reason": "法院撤销原裁定，恢复社区矫正"}
    assert event.actor == getattr(closed, person)
    # Volunteers whose access ended at closing come back only when a coordinator adds them.
    detail = reverse("groups:detail", args=[closed.group.code])
    assert client_for(closed.volunteer).get(detail).status_code == 404


def test_a_reason_is_required(closed, client_for):
    url = reverse("groups:reopen", args=[closed.group.code])
    response = client_for(closed.coordinator).post(url, {"reason": "   "})
    assert response.status_code == 200 and response.context["form"].errors
    closed.group.refresh_from_db()
    assert closed.group.status == CorrectionGroup.Status.CLOSED


def test_an_open_group_cannot_be_reopened(world, client_for):
    url = reverse("groups:reopen", args=[world.group.code])
    response = client_for(world.coordinator).post(url, {"reason": "重复操作"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not AuditEvent.objects.filter(action="group.reopened").exists()


@pytest.mark.parametrize(
    ("person", "status"),
    [("lead", 404), ("social_worker", 404), ("volunteer", 404), ("outsider", 404),
     ("other_coordinator", 404), ("anonymous", 302)],
)  # fmt: skip
def test_nobody_else_reopens_it(closed, client_for, person, status):
    client = client_for(getattr(closed, person))
    url = reverse("groups:reopen", args=[closed.group.code])
    assert client.get(url).status_code == status
    assert client.post(url, {"reason": "我想重新开启"}).status_code == status
    closed.group.refresh_from_db()
    assert closed.group.status == CorrectionGroup.Status.CLOSED
    assert not AuditEvent.objects.filter(action="group.reopened").exists()
