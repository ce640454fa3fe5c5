"""The partners' to-dos on the home page (/me/): a partner member's referrals waiting for an
answer (nearest deadline, urgent once one is late) and postings closing within the week; a
coordinator's referrals past their deadline in the regions covered; a group lead's or social
worker's referrals still waiting for the organisation. Each in a fixed number of queries."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups import services as group_services
from groups.models import Membership
from partners.models import JobPlacement, Programme, Referral
from tests import factories
from tests.partners import factories as pf
from tests.todo_items import home, todos

FOR_PARTNER = "待您答复的转介"
CLOSING = "7 天内截止的岗位和项目"
OVERDUE = "逾期未答复的转介"
FOR_GROUP = "等待单位答复的转介"


def day(moment) -> str:
    local = timezone.localtime(moment) if hasattr(moment, "hour") else moment
    return f"{local.month}月{local.day}日"


def late(referral, hours=1):
    Referral.objects.filter(pk=referral.pk).update(
        respond_by=timezone.now() - timedelta(hours=hours)
    )


def postings(world, n, *, closes_in=3, status=JobPlacement.Status.OPEN, organisation=None):
    """n jobs and n programmes of the organisation closing in `closes_in` days (bulk: many)."""
    org = organisation or world.organisation
    today = timezone.localdate()
    common = {
        "organisation": org,
        "status": status,
        "description": "<p>说明</p>",
        "opens_on": today,
        "closes_on": today + timedelta(days=closes_in),
        "created_by": world.owner,
    }
    jobs = JobPlacement.objects.bulk_create(
        JobPlacement(
            title=f"仓库管理员{i}",
            industry=world.job.industry,
            salary_min=4000,
            salary_max=5000,
            employment_type=JobPlacement.EmploymentType.FULL_TIME,
            hours="每周五天",
            **common,
        )
        for i in range(n)
    )
    Programme.objects.bulk_create(
        Programme(
            title=f"职业技能培训{i}",
            kind=Programme.Kind.VOCATIONAL,
            schedule="每周六上午",
            **common,
        )
        for i in range(n)
    )
    return jobs


def referrals(world, n, *, due_in=timedelta(days=2)):
    """n more referrals of the group awaiting the organisation's answer (bulk: many)."""
    jobs = postings(world, n, closes_in=5)
    Referral.objects.bulk_create(
        Referral(
            group=world.group,
            job=job,
            organisation=world.organisation,
            consent=world.consents["jobs"],
            shared={"skills": ["仓储管理"]},
            referred_by=world.lead,
            respond_by=timezone.now() + due_in + timedelta(minutes=i),
        )
        for i, job in enumerate(jobs)
    )


# --- partner members ------------------------------------------------------------------------


def test_partner_members_see_referrals_waiting_with_the_nearest_deadline(
    world, referral, client_for
):
    for person in (world.owner, world.member):
        item = todos(home(client_for, person))[FOR_PARTNER]
        assert item.count == 1 and item.url == reverse("partners:referrals")
        assert item.note == f"最早 {day(referral.respond_by)} 截止"
        assert not item.urgent
    # A second one due sooner: the note names the nearer deadline.
    referrals(world, 1, due_in=timedelta(days=1))
    sooner = Referral.objects.order_by("respond_by").first()
    item = todos(home(client_for, world.member))[FOR_PARTNER]
    assert item.count == 2 and item.note == f"最早 {day(sooner.respond_by)} 截止"


def test_a_referral_past_its_deadline_makes_the_item_urgent(world, referral, client_for):
    late(referral)
    page = home(client_for, world.owner)
    item = todos(page)[FOR_PARTNER]
    assert item.count == 1 and item.urgent
    assert item.note.startswith("1 条已逾期 · 最早 ")
    # Urgent items come first on the page.
    assert next(iter(todos(page))) == FOR_PARTNER


def test_answered_and_withdrawn_referrals_wait_for_nobody(world, referral, client_for):
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.INTERVIEW)
    referrals(world, 2)
    Referral.objects.filter(status=Referral.Status.REFERRED).exclude(pk=referral.pk).update(
        status=Referral.Status.WITHDRAWN
    )
    item = todos(home(client_for, world.owner))[FOR_PARTNER]
    assert item.count == 0 and item.note == "" and not item.urgent


def test_others_see_no_partner_items(world, referral, client_for):
    late(referral)
    other_partner = factories.contact(factories.PartnerMemberFactory(display_name="别家经理"))
    item = todos(home(client_for, other_partner))[FOR_PARTNER]  # their own organisation's
    assert item.count == 0 and not item.urgent
    for person in (world.outsider, world.volunteer, world.coordinator):
        page = todos(home(client_for, person))
        assert FOR_PARTNER not in page and CLOSING not in page
    response = client_for(None).get(reverse("portal:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_a_member_who_left_sees_no_partner_items(world, referral, client_for):
    world.member.partner_memberships.update(left_at=timezone.now())
    page = todos(home(client_for, world.member))
    assert FOR_PARTNER not in page and CLOSING not in page


def test_postings_closing_within_the_week(world, client_for):
    today = timezone.localdate()
    postings(world, 1, closes_in=6)  # one job and one programme
    postings(world, 1, closes_in=2)
    postings(world, 1, closes_in=8)  # later than the week
    postings(world, 1, closes_in=1, status=JobPlacement.Status.DRAFT)  # not published
    postings(world, 1, closes_in=1, status=JobPlacement.Status.CLOSED)
    # world.job closes in 60 days; another organisation's job closing tomorrow does not count.
    other = factories.contact(factories.PartnerMemberFactory())
    postings(world, 1, closes_in=1, organisation=other.partner_memberships.get().organisation)
    item = todos(home(client_for, world.owner))[CLOSING]
    assert item.count == 4
    assert item.note == f"最早 {day(today + timedelta(days=2))} 截止报名"
    assert item.url == reverse("partners:manage", args=[world.organisation.pk])
    assert not item.urgent


def test_a_member_of_two_organisations_is_sent_to_their_list(world, client_for):
    second = pf.organisation(world.member, name="广州粤新人力资源服务有限公司")
    postings(world, 1, closes_in=3, organisation=second)
    item = todos(home(client_for, world.member))[CLOSING]
    assert item.count == 2 and item.url == reverse("partners:mine")


# --- coordinators and the group's side ------------------------------------------------------


def test_coordinators_see_the_referrals_past_their_deadline_in_their_regions(
    world, referral, client_for, regions
):
    item = todos(home(client_for, world.coordinator))[OVERDUE]
    assert item.count == 0 and not item.urgent and item.url == reverse("partners:referrals")
    late(referral)
    referrals(world, 2)  # not yet due
    item = todos(home(client_for, world.coordinator))[OVERDUE]
    assert item.count == 1 and item.urgent
    city = factories.coordinator(regions["440100"])  # 广州市 covers 天河区
    assert todos(home(client_for, city))[OVERDUE].count == 1
    assert todos(home(client_for, world.other_coordinator))[OVERDUE].count == 0  # 成都
    for person in (world.owner, world.lead, world.volunteer):
        assert OVERDUE not in todos(home(client_for, person))


def test_the_lead_sees_referrals_waiting_for_the_organisation_and_can_open_them(
    world, referral, client_for
):
    social_worker = factories.vetted(factories.SocialWorkerFactory(display_name="陈社工"))
    group_services.member_add(
        group=world.group,
        user=social_worker,
        role=Membership.Role.SOCIAL_WORKER,
        added_by=world.coordinator,
    )
    item = todos(home(client_for, world.lead))[FOR_GROUP]
    assert item.count == 1 and not item.urgent
    assert item.note == f"最早 {day(referral.respond_by)} 截止"
    assert (
        f"/partners/referrals/{referral.pk}/"
        in client_for(world.lead).get(item.url).content.decode()
    )
    # The group's social worker cannot open the lead's referrals, so is not shown a count.
    assert FOR_GROUP not in todos(home(client_for, social_worker))
    late(referral)
    item = todos(home(client_for, world.lead))[FOR_GROUP]
    assert item.count == 1 and item.urgent and item.note.startswith("1 条已逾期")
    # The organisation answered: nothing waits any more.
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.DECLINED)
    item = todos(home(client_for, world.lead))[FOR_GROUP]
    assert item.count == 0 and not item.urgent


def test_people_outside_the_group_see_no_group_item(world, referral, client_for):
    volunteer = factories.vetted(factories.VolunteerFactory(display_name="王志愿"))
    group_services.member_add(
        group=world.group, user=volunteer, role=Membership.Role.VOLUNTEER, added_by=world.lead
    )
    other_lead = factories.vetted(factories.SocialWorkerFactory(display_name="别组社工"))
    for person in (volunteer, other_lead, world.owner, world.coordinator):
        assert FOR_GROUP not in todos(home(client_for, person))


def test_a_coordinators_late_referrals_are_counted_up_to_the_cap(
    world, referral, client_for, monkeypatch
):
    """Past portal.todo.CAP the item reads "CAP+" (a province has thousands; the list counts)."""
    monkeypatch.setattr("portal.todo.CAP", 3)
    referrals(world, 3, due_in=-timedelta(hours=2))  # three late
    item = todos(home(client_for, world.coordinator))[OVERDUE]
    assert (item.count, item.more, item.urgent) == (3, False, True)
    late(referral)  # the fourth
    item = todos(home(client_for, world.coordinator))[OVERDUE]
    assert (item.count, item.more, item.urgent) == (3, True, True)
    assert '<span class="todo-count">3+</span>' in home(client_for, world.coordinator)


# --- a fixed number of queries, and Chinese ----------------------------------------------------


def test_the_home_page_reads_as_many_queries_for_one_referral_as_for_thirty(
    world, referral, client_for
):
    people = (world.owner, world.member, world.coordinator, world.lead)
    clients = [client_for(person) for person in people]
    url = reverse("portal:dashboard")
    for client in clients:
        client.get(url)  # the session and caches warmed
    small = []
    for client in clients:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        small.append(len(captured))
    referrals(world, 30)
    Referral.objects.filter(pk__in=Referral.objects.order_by("pk").values("pk")[:10]).update(
        respond_by=timezone.now() - timedelta(hours=1)
    )
    postings(world, 30, closes_in=4)
    for person, client, before in zip(people, clients, small, strict=True):
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url).content.decode()
        assert len(captured) == before, person
        assert any(item.count and item.count >= 10 for item in todos(page).values()), person
    assert todos(page)[FOR_GROUP].count == 31  # the lead's page, the last one read
    assert todos(home(client_for, world.owner))[CLOSING].count == 120


def test_the_items_read_in_chinese(world, referral, client_for):
    late(referral)
    postings(world, 1)
    for person in (world.owner, world.coordinator, world.lead):
        page = home(client_for, person)
        for english in ("Referrals waiting", "past their deadline", "Postings closing", "due "):
            assert english not in page
    labels = set(todos(home(client_for, world.owner)))
    assert {FOR_PARTNER, CLOSING} <= labels
