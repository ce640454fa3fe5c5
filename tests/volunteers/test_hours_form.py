"""The hours form offers the groups a volunteer serves, including the usual case of a group with
a learner in it."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from groups import services as group_services
from groups.models import Membership
from tests import factories
from volunteers.forms import ServiceRecordForm
from volunteers.models import ServiceRecord


def add_learner(world, name="李明"):
    learner = factories.LearnerFactory(display_name=name)
    group_services.member_add(
        group=world.group, user=learner, role=Membership.Role.LEARNER, added_by=world.coordinator
    )
    return learner


def test_a_group_with_a_learner_is_offered_and_the_hours_are_logged(world, client_for):
    add_learner(world)
    assert world.group in ServiceRecordForm(profile=world.profile).fields["group"].queryset
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client_for(world.volunteer).post(
        reverse("volunteers:hours"),
        {"date": yesterday, "hours": "2", "group": world.group.code, "description": "陪同就业面试"},
    )
    assert response.status_code == 302
    assert ServiceRecord.objects.get().group == world.group
