"""The curriculum's to-dos read with queries compiled once per process (curriculum.todos): the
sessions of tomorrow and the groups below the month's hours for each shape of a person's roles
(coordinator, education officer, both, over one region or more, admin, a lead), and a learner's
hours of the month; each person gets their own figures."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from curriculum import todos
from curriculum.models import LearningHours
from portal.models import StaffRole
from portal.selectors import user_roles
from tests import factories
from tests.curriculum.test_home_todos import at, schedule


def figures(user) -> tuple:
    found = {t.url: t.count for t in todos.items(user, user_roles(user))}
    return found.get(reverse("curriculum:sessions")), found.get(reverse("curriculum:report"))


def test_each_shape_of_roles_counts_its_own_sessions_and_groups(tree, world, regions):
    tomorrow = timezone.localdate() + timedelta(days=1)
    schedule(tree, world, at(tomorrow, 10))
    schedule(tree, world, at(tomorrow + timedelta(days=1), 10))  # not tomorrow
    both = factories.coordinator(regions["440104"])
    factories.StaffRoleFactory(
        user=both, role=StaffRole.Role.EDUCATION_OFFICER, region=regions["440106005"]
    )
    wide = factories.coordinator(regions["440104"])
    factories.StaffRoleFactory(user=wide, region=regions["440106006"])
    factories.StaffRoleFactory(user=wide, region=regions["440106005"])
    expected = {
        world.coordinator: (1, 1),  # 天河区: the session; the group has no hours yet
        world.city_coordinator: (1, 1),
        world.other_coordinator: (0, 0),  # 武侯区
        both: (1, 0),  # schedules in 石牌街, coordinates only 越秀区
        wide: (1, 1),
        factories.education_officer(regions["440106"]): (1, None),
        world.lead: (1, None),  # leads the group
        factories.AdminFactory(): (1, 1),
        world.volunteer: (None, None),
    }
    for user, counts in expected.items():
        assert figures(user) == counts, user
    LearningHours.objects.create(
        group=world.group,
        judicial_office=world.group.judicial_office,
        month=timezone.localdate().replace(day=1),
        total_minutes=8 * 60,
    )
    assert figures(world.coordinator) == (1, 0)  # reached the month's hours


def test_a_learner_gets_the_hours_of_their_own_groups_this_month(world):
    this_month = timezone.localdate().replace(day=1)
    LearningHours.objects.create(
        group=world.group,
        judicial_office=world.group.judicial_office,
        month=this_month,
        total_minutes=150,
    )
    LearningHours.objects.create(  # last month's: not counted
        group=world.group,
        judicial_office=world.group.judicial_office,
        month=(this_month - timedelta(days=1)).replace(day=1),
        total_minutes=300,
    )
    other = factories.LearnerFactory()
    mine = {t.url: t for t in todos.items(world.learner, set())}[reverse("curriculum:mine")]
    theirs = {t.url: t for t in todos.items(other, set())}[reverse("curriculum:mine")]
    assert (mine.note, mine.percent, mine.urgent) == ("2.5 / 8.0 小时", 31, True)
    assert (theirs.note, theirs.percent) == ("0.0 / 8.0 小时", 0)


def test_the_count_of_groups_below_follows_the_requirement_of_the_day(tree, world, settings):
    """The requirement is put into the compiled query at each request, not compiled into it:
    the same query counts the group below under a higher requirement, and not under a lower."""
    LearningHours.objects.create(
        group=world.group,
        judicial_office=world.group.judicial_office,
        month=timezone.localdate().replace(day=1),
        total_minutes=8 * 60,
    )
    assert figures(world.coordinator)[1] == 0
    settings.CURRICULUM_REQUIRED_MINUTES = 10 * 60
    assert figures(world.coordinator)[1] == 1
    settings.CURRICULUM_REQUIRED_MINUTES = 6 * 60
    assert figures(world.coordinator)[1] == 0
