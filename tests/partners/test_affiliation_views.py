"""Who may open the affiliation pages (everyone else gets 404, so nothing leaks), the person's
and the organisation's journeys through the forms, bad input, the Excel export, and query
counts that do not grow with the number of people."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from groups import services as group_services
from groups.models import Membership
from partners.models import Affiliation
from portal.models import AuditEvent
from tests import factories
from tests.partners import affiliation_world
from tests.volunteers import factories as vf
from volunteers.models import ServiceRecord, VolunteerProfile

ALLOWED, HIDDEN, LOGIN = 200, 404, 302
PEOPLE = (
    "admin", "coordinator", "child_coordinator", "sibling_coordinator", "other_coordinator",
    "observer", "education_officer", "volunteer", "social_worker", "owner", "member",
    "other_owner", "learner", "anonymous",
)  # fmt: skip


def expect(**allowed):
    row = dict.fromkeys(PEOPLE, HIDDEN)
    row["anonymous"] = LOGIN
    row.update(allowed)
    return row


MATRIX = {
    "my_affiliations": expect(volunteer=ALLOWED, social_worker=ALLOWED),
    "affiliations": expect(admin=ALLOWED, owner=ALLOWED, member=ALLOWED),
    "affiliations_export": expect(admin=ALLOWED, owner=ALLOWED, member=ALLOWED),
}
CASES = [(view, person, status) for view, row in MATRIX.items() for person, status in row.items()]


@pytest.fixture
def world(regions, reference_data):
    return affiliation_world.build(regions)


def url(view, world):
    if view == "my_affiliations":
        return reverse("partners:my_affiliations")
    return reverse(f"partners:{view}", args=[world.agency.pk])


def person(world, name):
    if not hasattr(world, name):
        pytest.skip(f"no {name} role yet")
    return getattr(world, name)


@pytest.mark.parametrize(("view", "who", "status"), CASES)
def test_who_may_open_each_affiliation_page(world, client_for, view, who, status):
    response = client_for(person(world, who)).get(url(view, world))
    assert response.status_code == status


def test_an_enterprise_has_no_affiliations_page(world, client_for):
    from tests.partners import factories as pf

    enterprise = pf.organisation(world.owner, verifier=world.coordinator, name="粤新制造")
    response = client_for(world.owner).get(reverse("partners:affiliations", args=[enterprise.pk]))
    assert response.status_code == HIDDEN


DECIDERS = {"owner": 302, "admin": 302}


@pytest.mark.parametrize("who", [p for p in PEOPLE if p != "anonymous"])
def test_only_the_owners_and_admins_confirm_a_request(world, client_for, who):
    affiliation = request_through_the_page(world, client_for)
    response = client_for(person(world, who)).post(
        reverse("partners:affiliation_decide", args=[world.agency.pk, affiliation.pk]),
        {"confirm": "1"},
    )
    assert response.status_code == DECIDERS.get(who, HIDDEN)
    affiliation.refresh_from_db()
    expected = Affiliation.Status.CONFIRMED if who in DECIDERS else Affiliation.Status.REQUESTED
    assert affiliation.status == expected


@pytest.mark.parametrize("who", [p for p in PEOPLE if p not in ("owner", "admin", "anonymous")])
def test_nobody_else_ends_an_affiliation(world, client_for, who):
    affiliation = affiliation_world.confirmed(world)
    response = client_for(person(world, who)).post(
        reverse("partners:affiliation_end", args=[world.agency.pk, affiliation.pk])
    )
    assert response.status_code == HIDDEN
    affiliation.refresh_from_db()
    assert affiliation.status == Affiliation.Status.CONFIRMED


def test_a_person_cannot_touch_someone_elses_affiliation(world, client_for):
    affiliation = affiliation_world.confirmed(world)
    client = client_for(world.social_worker)
    for name in ("my_affiliation_end", "my_affiliation_confirm"):
        response = client.post(reverse(f"partners:{name}", args=[affiliation.pk]))
        assert response.status_code == HIDDEN
    affiliation.refresh_from_db()
    assert affiliation.status == Affiliation.Status.CONFIRMED


def request_through_the_page(world, client_for):
    response = client_for(world.volunteer).post(
        reverse("partners:my_affiliations"), {"organisation": world.agency.pk}
    )
    assert response.status_code == 302
    return world.profile.affiliations.get(status=Affiliation.Status.REQUESTED)


def test_the_journey_ask_confirm_see_hours_end(world, client_for):
    from tests.partners import factories as pf

    pf.organisation(world.other_owner, verifier=world.coordinator, name="粤新制造有限公司")
    volunteer = client_for(world.volunteer)
    page = volunteer.get(reverse("partners:my_affiliations")).content.decode()
    assert "我的关联机构" in page and affiliation_world.AGENCY in page
    assert "粤新" not in page  # enterprises are not offered
    affiliation = request_through_the_page(world, client_for)
    assert "待机构确认" in volunteer.get(reverse("partners:my_affiliations")).content.decode()

    owner = client_for(world.owner)
    requests = owner.get(reverse("partners:affiliations", args=[world.agency.pk]))
    assert "关联申请" in requests.content.decode() and "张晓明" in requests.content.decode()
    member_view = client_for(world.member).get(
        reverse("partners:affiliations", args=[world.agency.pk])
    )
    assert "关联申请由机构负责人处理" in member_view.content.decode()
    assert reverse("partners:affiliation_decide", args=[world.agency.pk, affiliation.pk]) not in (
        member_view.content.decode()
    )
    owner.post(
        reverse("partners:affiliation_decide", args=[world.agency.pk, affiliation.pk]),
        {"confirm": "1"},
    )

    page = owner.get(reverse("partners:affiliations", args=[world.agency.pk]))
    row = page.context["page"].object_list[0]
    assert row.profile == world.profile
    assert row.confirmed_hours == Decimal(affiliation_world.CONFIRMED_HOURS)
    assert row.active_groups == 1
    html = page.content.decode()
    assert "5.5" in html and world.group.code not in html  # never which group

    assert "自" in volunteer.get(reverse("partners:my_affiliations")).content.decode()
    owner.post(reverse("partners:affiliation_end", args=[world.agency.pk, affiliation.pk]))
    affiliation.refresh_from_db()
    assert affiliation.status == Affiliation.Status.ENDED
    assert (
        "还没有关联人员"
        in owner.get(reverse("partners:affiliations", args=[world.agency.pk])).content.decode()
    )


def test_a_suggestion_is_confirmed_or_dismissed_through_the_page(world, client_for):
    suggested = Affiliation.objects.create(
        organisation=world.agency,
        profile=world.profile,
        status=Affiliation.Status.SUGGESTED,
        suggested_from=affiliation_world.AGENCY,
    )
    client = client_for(world.volunteer)
    page = client.get(reverse("partners:my_affiliations")).content.decode()
    assert f"您的档案中填写的所属机构为“{affiliation_world.AGENCY}”" in page
    client.post(reverse("partners:my_affiliation_confirm", args=[suggested.pk]))
    suggested.refresh_from_db()
    assert suggested.status == Affiliation.Status.REQUESTED
    # Confirming twice is not a suggestion any more.
    again = client.post(reverse("partners:my_affiliation_confirm", args=[suggested.pk]))
    assert again.status_code == HIDDEN
    client.post(reverse("partners:my_affiliation_end", args=[suggested.pk]))
    suggested.refresh_from_db()
    assert suggested.status == Affiliation.Status.ENDED


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "必需字段"),
        ("999999", "选择一个有效的选项"),
        ("abc", "选择一个有效的选项"),
        ("enterprise", "选择一个有效的选项"),
    ],
)
def test_bad_choices_are_refused_in_words_and_nothing_is_written(world, client_for, value, message):
    if value == "enterprise":
        from tests.partners import factories as pf

        value = pf.organisation(world.owner, verifier=world.coordinator, name="粤新制造").pk
    audits = AuditEvent.objects.count()
    response = client_for(world.volunteer).post(
        reverse("partners:my_affiliations"), {"organisation": value}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Affiliation.objects.exists() and AuditEvent.objects.count() == audits


def test_asking_twice_through_the_page_says_why(world, client_for):
    request_through_the_page(world, client_for)
    response = client_for(world.volunteer).post(
        reverse("partners:my_affiliations"), {"organisation": world.agency.pk}
    )
    assert response.status_code == 400
    assert "请等待答复" in response.content.decode()
    assert Affiliation.objects.count() == 1


def test_without_a_profile_the_page_says_to_fill_it_in(world, client_for):
    newcomer = factories.VolunteerFactory()
    client = client_for(newcomer)
    page = client.get(reverse("partners:my_affiliations")).content.decode()
    assert "请先填写志愿者档案" in page and reverse("volunteers:profile") in page
    client.post(reverse("partners:my_affiliations"), {"organisation": world.agency.pk})
    assert not Affiliation.objects.exists()


def test_the_menu_offers_affiliations_to_volunteers_only(world, client_for):
    link = reverse("partners:my_affiliations")
    assert link in client_for(world.volunteer).get(reverse("partners:jobs")).content.decode()
    assert link not in client_for(world.owner).get(reverse("partners:jobs")).content.decode()
    manage = client_for(world.owner).get(reverse("partners:manage", args=[world.agency.pk]))
    assert reverse("partners:affiliations", args=[world.agency.pk]) in manage.content.decode()


def test_the_export_has_chinese_headers_and_no_formulas(world, client_for):
    affiliation_world.confirmed(world)
    VolunteerProfile.objects.filter(pk=world.sw_profile.pk).update(
        real_name='=HYPERLINK("http://evil.example","点我")'
    )
    affiliation_world.confirmed(world, profile=world.sw_profile)
    response = client_for(world.member).get(
        reverse("partners:affiliations_export", args=[world.agency.pk])
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "姓名", "显示名称", "类型", "关联确认日期", "已确认服务时长（小时）", "参与中的矫正小组数",
    ]  # fmt: skip
    people = {row[0]: row for row in rows[1:3]}
    assert people["张晓明"][2:] == ["志愿者", people["张晓明"][3], 5.5, 1]
    evil = next(name for name in people if "HYPERLINK" in name)
    assert evil.startswith("'=")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert rows[-1][:5] == ["合计", None, None, None, 5.5]


def grow(world, count):
    """`count` more confirmed people, each with confirmed hours and an active group."""
    office = world.regions["440106005"]
    for n in range(count):
        profile = vf.profile(real_name=f"志愿者{n:03d}")
        vf.record(profile, region=office, group=world.group, status=ServiceRecord.Status.CONFIRMED)
        Membership.objects.create(
            group=world.group, user=profile.user, role=Membership.Role.VOLUNTEER
        )
        Affiliation.objects.create(
            organisation=world.agency, profile=profile, status=Affiliation.Status.CONFIRMED
        )
    Affiliation.objects.create(
        organisation=world.agency, profile=world.sw_profile, status=Affiliation.Status.REQUESTED
    )


@pytest.mark.parametrize("count", [2, 60])
def test_the_page_and_export_cost_the_same_at_any_size(
    world, client_for, django_assert_max_num_queries, count
):
    grow(world, count)
    client = client_for(world.owner)
    client.get(reverse("partners:jobs"))  # the session's first use is not the page's cost
    with django_assert_max_num_queries(12):
        page = client.get(reverse("partners:affiliations", args=[world.agency.pk]))
    assert page.status_code == 200
    assert len(page.context["page"].object_list) == min(count, 50)
    assert all(a.active_groups == 1 for a in page.context["page"].object_list)
    with django_assert_max_num_queries(8):
        export = client.get(reverse("partners:affiliations_export", args=[world.agency.pk]))
    assert load_workbook(io.BytesIO(export.content)).active.max_row == count + 3


def test_a_person_who_left_is_not_listed(world, client_for):
    affiliation_world.confirmed(world)
    group_services.member_remove(
        membership=Membership.objects.get(user=world.volunteer), removed_by=world.coordinator
    )
    page = client_for(world.owner).get(reverse("partners:affiliations", args=[world.agency.pk]))
    assert page.context["page"].object_list[0].active_groups == 0
    VolunteerProfile.objects.filter(pk=world.profile.pk).update(status=VolunteerProfile.Status.LEFT)
    page = client_for(world.owner).get(reverse("partners:affiliations", args=[world.agency.pk]))
    assert list(page.context["page"].object_list) == []
