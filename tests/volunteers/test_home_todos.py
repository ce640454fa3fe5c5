"""The home page (/me/) starts with each person's to-dos: a count and a link each, read in a
number of queries that does not grow with the data."""

from django.urls import reverse

from groups import services as group_services
from groups.models import Membership
from tests import factories
from tests.volunteers import factories as vf
from volunteers.models import VolunteerProfile


def home(client_for, user):
    response = client_for(user).get(reverse("portal:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def more_data(world, n):
    """n more applicants, pending hours and activities in the coordinator's county."""
    for i in range(n):
        vf.profile(status=VolunteerProfile.Status.SUBMITTED, real_name=f"申请人{i}")
        vf.record(world.profile, region=world.regions["440106005"], hours="1", days_ago=i + 1)
        vf.activity(world.regions["440106005"], created_by=world.coordinator, title=f"普法{i}")


def test_a_new_volunteer_is_told_to_complete_the_profile(client_for):
    page = home(client_for, factories.VolunteerFactory(display_name="周新"))
    assert "完善志愿者资料" in page and reverse("volunteers:profile") in page
    assert "填写" in page and "审核中" in page and "通过" in page


def test_an_applicant_sees_the_review_step(world, client_for):
    page = home(client_for, world.applicant.user)
    assert "资料正在审核" in page and 'aria-current="step">审核中' in page


def test_an_approved_volunteer_sees_hours_to_log_activities_and_stars(world, client_for):
    vf.activity(world.regions["440106005"], created_by=world.coordinator)
    page = home(client_for, world.volunteer)
    assert "附近的活动" in page and reverse("volunteers:activities") in page
    assert "待登记时长" in page and "星级" in page and "<progress" in page
    assert "完善志愿者资料" not in page


def test_a_coordinator_sees_counts_linking_to_filtered_lists(world, client_for):
    vf.record(world.profile, region=world.regions["440106005"], group=world.group)
    page = home(client_for, world.coordinator)
    assert "待审核资料" in page and reverse("volunteers:queue") in page
    assert "待确认时长" in page and reverse("volunteers:hours_review") in page
    assert "尚无志愿者的小组" in page and "no_volunteer=on" in page
    assert "未读消息" in page


def test_people_without_the_role_see_no_coordinator_counts(world, client_for):
    for user in (world.volunteer, world.partner, world.lead):
        assert "待审核资料" not in home(client_for, user)
    assert "待确认时长" in home(client_for, world.lead)  # the lead confirms the group's hours


def test_the_home_page_reads_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    people = (world.coordinator, world.volunteer, world.lead)
    clients = [client_for(user) for user in people]
    more_data(world, 2)
    small = []
    for client in clients:
        with django_assert_max_num_queries(40) as captured:
            client.get(reverse("portal:dashboard"))
        small.append(len(captured))
    more_data(world, 12)
    for client, before in zip(clients, small, strict=True):
        with django_assert_max_num_queries(before):
            client.get(reverse("portal:dashboard"))


def test_a_learner_sees_this_months_hours_against_the_requirement(world, client_for):
    learner = factories.LearnerFactory(display_name="李明")
    group_services.member_add(
        group=world.group, user=learner, role=Membership.Role.LEARNER, added_by=world.coordinator
    )
    page = home(client_for, learner)
    assert "本月学习" in page and "0 / 8.0 小时" in page and reverse("curriculum:mine") in page
    assert "未达本月学时的小组" in home(client_for, world.coordinator)
    assert "明日的线下课" in home(client_for, world.lead)
