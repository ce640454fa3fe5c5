"""The person pickers of a group (groups.people, the views' people endpoints): who may ask, whom
they find (only people the gate would let in, within the group's region or province; for the
lead, the group's members who may lead), by a two-character Chinese name fragment, in a fixed
number of queries; bad searches answer a reason and change nothing; and the add-member and
hand-over forms take the picked id but refuse an id from outside the picker's scope."""

import pytest
from django.urls import reverse

from groups import services
from groups.models import Membership
from portal.models import AuditEvent, User
from tests import factories

ALLOWED, HIDDEN, LOGIN = 200, 404, 302
Role = Membership.Role


def members_url(world):
    return reverse("groups:people_members", args=[world.group.code])


def lead_url(world):
    return reverse("groups:people_lead", args=[world.group.code])


def names(response):
    assert response.status_code == 200, response.content
    return [p["name"] for p in response.json()["results"]]


@pytest.fixture
def people(world):
    """Candidates named …晓明: who may be found, and who must never be."""
    world.social_worker.display_name = "周晓明"
    world.social_worker.save(update_fields=["display_name"])
    return {
        "vetted": factories.vetted(factories.VolunteerFactory(display_name="王晓明")),
        "city_wide": factories.vetted(
            factories.SocialWorkerFactory(display_name="林晓明"), regions=("440100",)
        ),
        "unvetted": _unvetted(factories.VolunteerFactory(display_name="李晓明")),
        "elsewhere": factories.vetted(
            factories.VolunteerFactory(display_name="赵晓明"), regions=("510107",)
        ),
        "yuexiu": factories.vetted(
            factories.VolunteerFactory(display_name="钱晓明"), regions=("440104",)
        ),
        "deactivated": _deactivated(
            factories.vetted(factories.VolunteerFactory(display_name="吴晓明"))
        ),
        "contact": factories.contact(factories.PartnerMemberFactory(display_name="陈晓明")),
        "unverified_contact": factories.contact(
            factories.PartnerMemberFactory(display_name="郑晓明"), verified=False
        ),
        "sichuan_contact": factories.contact(
            factories.PartnerMemberFactory(display_name="孙晓明"), region="510107"
        ),
    }


def _unvetted(user):
    from volunteers.models import VolunteerProfile

    factories.vetted(user)
    VolunteerProfile.objects.filter(user=user).update(status=VolunteerProfile.Status.SUBMITTED)
    return user


def _deactivated(user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


# --- who may ask ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", ALLOWED),
        ("city_coordinator", ALLOWED),
        ("lead", ALLOWED),
        ("social_worker", HIDDEN),
        ("volunteer", HIDDEN),
        ("partner", HIDDEN),
        ("learner", HIDDEN),
        ("outsider", HIDDEN),
        ("other_coordinator", HIDDEN),
        ("anonymous", LOGIN),
    ],
)
@pytest.mark.parametrize("url", [members_url, lead_url])
def test_only_those_who_manage_the_members_may_search(world, people, client_for, who, status, url):
    response = client_for(getattr(world, who)).get(url(world), {"q": "晓明", "role": "volunteer"})
    assert response.status_code == status
    if status == LOGIN:
        assert "/accounts/login/" in response["Location"]
    if status == HIDDEN:
        assert "晓明" not in response.content.decode()


def test_an_unknown_group_is_a_404(world, client_for):
    url = reverse("groups:people_members", args=["GD-440106-2026-9999"])
    assert client_for(world.coordinator).get(url, {"q": "晓明"}).status_code == 404


# --- whom they find -------------------------------------------------------------------------------


def test_a_two_character_name_finds_only_vetted_people_serving_the_group(world, people, client_for):
    response = client_for(world.coordinator).get(
        members_url(world), {"q": "晓明", "role": "volunteer"}
    )
    # 王晓明 serves 天河区; 林晓明 (a social worker, who may volunteer) serves all of 广州市.
    assert names(response) == ["林晓明", "王晓明"]
    # Not: unvetted, serving 成都 or 越秀区 (beside 天河区), deactivated, partners, the member
    # 周晓明 (already in the group), and nothing but a name and their kind of account.
    first = response.json()["results"][1]
    assert first == {"id": people["vetted"].pk, "name": "王晓明", "detail": "志愿者"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_lead_finds_the_same_people_as_the_coordinator(world, people, client_for):
    response = client_for(world.lead).get(members_url(world), {"q": "晓明", "role": "volunteer"})
    assert names(response) == ["林晓明", "王晓明"]


def test_a_role_for_contacts_finds_members_of_verified_organisations_in_the_province(
    world, people, client_for
):
    response = client_for(world.coordinator).get(
        members_url(world), {"q": "晓明", "role": "enterprise_contact"}
    )
    assert names(response) == ["陈晓明"]
    (found,) = response.json()["results"]
    assert found["detail"].startswith("测试单位")  # their organisation, not their e-mail
    # A university contact is someone else: 陈晓明's organisation is an enterprise.
    response = client_for(world.coordinator).get(
        members_url(world), {"q": "晓明", "role": "university_contact"}
    )
    assert names(response) == []


def test_someone_the_gate_refuses_is_not_offered(world, people, client_for):
    # 王晓明 has no place left (they take at most 0 groups now).
    from volunteers.models import VolunteerProfile

    VolunteerProfile.objects.filter(user=people["vetted"]).update(max_groups=0)
    response = client_for(world.coordinator).get(
        members_url(world), {"q": "晓明", "role": "volunteer"}
    )
    assert names(response) == ["林晓明"]


def test_a_coordinator_finds_an_account_by_its_whole_e_mail_or_mobile_but_a_lead_does_not(
    world, people, client_for
):
    wang = people["vetted"]
    User.objects.filter(pk=wang.pk).update(mobile="13800138000")
    for query in (wang.email.upper(), "138 0013 8000", "+8613800138000"):
        response = client_for(world.coordinator).get(
            members_url(world), {"q": query, "role": "volunteer"}
        )
        assert names(response) == ["王晓明"], query
    # Never a fragment of either, and never for the lead.
    for query in (wang.email[:6], "1380013"):
        response = client_for(world.coordinator).get(
            members_url(world), {"q": query, "role": "volunteer"}
        )
        assert names(response) == [], query
    for query in (wang.email, "13800138000"):
        response = client_for(world.lead).get(members_url(world), {"q": query, "role": "volunteer"})
        assert names(response) == [], query


def test_the_lead_picker_offers_the_members_who_may_lead(world, people, client_for):
    response = client_for(world.coordinator).get(lead_url(world), {"q": "晓明"})
    # 周晓明 is the group's social worker. Not 王晓明 or 林晓明 (not in the group).
    assert names(response) == ["周晓明"]
    assert response.json()["results"][0]["detail"] == "社工 · 本组的社工"
    # The volunteer member cannot lead (a volunteer's account), nor does the lead find herself.
    volunteer = world.volunteer
    for member in (volunteer, world.lead):
        response = client_for(world.lead).get(lead_url(world), {"q": member.display_name})
        assert member.pk not in [p["id"] for p in response.json()["results"]]


# --- bad searches ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"role": "volunteer"}, "请至少输入 2 个字"),
        ({"q": "晓", "role": "volunteer"}, "请至少输入 2 个字"),
        ({"q": "  晓  ", "role": "volunteer"}, "请至少输入 2 个字"),
        ({"q": "晓" * 51, "role": "volunteer"}, "最多输入 50 个字"),
        ({"q": "晓明\x00", "role": "volunteer"}, "无法输入的字符"),
        ({"q": "晓明"}, "请选择此人在小组中的角色"),
        ({"q": "晓明", "role": "lead"}, "请选择此人在小组中的角色"),
        ({"q": "晓明", "role": "learner"}, "请选择此人在小组中的角色"),
        ({"q": "晓明", "role": "管理员"}, "请选择此人在小组中的角色"),
    ],
)
def test_a_bad_search_says_why_and_changes_nothing(world, people, client_for, params, error):
    before = (Membership.objects.count(), AuditEvent.objects.count())
    response = client_for(world.coordinator).get(members_url(world), params)
    assert response.status_code == 400
    assert error in response.json()["error"]
    assert (Membership.objects.count(), AuditEvent.objects.count()) == before


def test_a_post_is_refused(world, client_for):
    response = client_for(world.coordinator).post(members_url(world), {"q": "晓明"})
    assert response.status_code == 405


# --- queries --------------------------------------------------------------------------------------


QUERIES = 20


@pytest.mark.parametrize("url", [members_url, lead_url])
@pytest.mark.parametrize("role", ["volunteer", "enterprise_contact"])
def test_a_search_reads_in_a_fixed_number_of_queries(
    world, people, client_for, django_assert_max_num_queries, url, role
):
    client = client_for(world.coordinator)
    with django_assert_max_num_queries(QUERIES):
        small = client.get(url(world), {"q": "晓明", "role": role})
    assert small.status_code == 200
    for n in range(30):
        factories.vetted(factories.VolunteerFactory(display_name=f"晓明{n:02d}"))
        factories.contact(factories.PartnerMemberFactory(display_name=f"单位晓明{n:02d}"))
    for n in range(5):  # more members who may lead
        services.member_add(
            group=world.group,
            user=factories.vetted(factories.SocialWorkerFactory(display_name=f"组员晓明{n:02d}")),
            role=Role.SOCIAL_WORKER,
            added_by=world.coordinator,
        )
    with django_assert_max_num_queries(QUERIES):
        large = client.get(url(world), {"q": "晓明", "role": role})
    assert large.status_code == 200
    assert len(large.json()["results"]) >= len(small.json()["results"])


def test_an_answer_holds_at_most_twenty_people_and_says_there_are_more(world, client_for):
    for n in range(25):
        factories.vetted(factories.VolunteerFactory(display_name=f"黄晓明{n:02d}"))
    response = client_for(world.coordinator).get(
        members_url(world), {"q": "晓明", "role": "volunteer"}
    )
    body = response.json()
    assert len(body["results"]) == 20 and body["more"] is True
    assert [p["name"] for p in body["results"]] == [f"黄晓明{n:02d}" for n in range(20)]


# --- the forms take the picked id -----------------------------------------------------------------


def add_url(world):
    return reverse("groups:member_add", args=[world.group.code])


def hand_over_url(world):
    return reverse("groups:lead", args=[world.group.code])


@pytest.mark.parametrize("who", ["coordinator", "lead"])
def test_a_picked_person_is_added(world, people, client_for, who):
    response = client_for(getattr(world, who)).post(
        add_url(world), {"role": "volunteer", "person": people["vetted"].pk}
    )
    assert response.status_code == 302
    membership = world.group.memberships.get(user=people["vetted"], left_at__isnull=True)
    assert membership.role == Role.VOLUNTEER


@pytest.mark.parametrize(
    "forged", ["unvetted", "elsewhere", "yuexiu", "deactivated", "sichuan_contact", "missing"]
)
def test_an_id_outside_the_pickers_scope_is_refused_and_nothing_said_of_them(
    world, people, client_for, forged
):
    person_id = people[forged].pk if forged != "missing" else 10**12
    before = (Membership.objects.count(), AuditEvent.objects.count())
    role = "enterprise_contact" if forged == "sichuan_contact" else "volunteer"
    response = client_for(world.lead).post(add_url(world), {"role": role, "person": person_id})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "不能在这里选择此人" in errors
    if forged != "missing":
        assert people[forged].display_name not in response.content.decode()
    assert (Membership.objects.count(), AuditEvent.objects.count()) == before


def test_a_person_picked_for_one_role_is_refused_for_another(world, people, client_for):
    response = client_for(world.coordinator).post(
        add_url(world), {"role": "enterprise_contact", "person": people["vetted"].pk}
    )
    assert "不能在这里选择此人" in " ".join(response.context["form"].non_field_errors())
    assert not world.group.memberships.filter(user=people["vetted"]).exists()


def test_an_id_that_is_no_id_is_refused(world, people, client_for):
    for bad in ("abc", "-3", "²", str(2**64)):
        response = client_for(world.coordinator).post(
            add_url(world), {"role": "volunteer", "person": bad}
        )
        assert response.status_code == 200
        assert response.context["form"].errors, bad
    assert not world.group.memberships.filter(user=people["vetted"]).exists()


def test_neither_a_pick_nor_an_e_mail_asks_for_one(world, client_for):
    response = client_for(world.coordinator).post(add_url(world), {"role": "volunteer"})
    assert "请按姓名查找并选择此人" in " ".join(response.context["form"].non_field_errors())


def test_the_gate_still_names_its_reasons_for_someone_in_scope(world, people, client_for):
    # Picked while they had a place left; by the time the form is sent they have none.
    from volunteers.models import VolunteerProfile

    VolunteerProfile.objects.filter(user=people["vetted"]).update(max_groups=0)
    response = client_for(world.coordinator).post(
        add_url(world), {"role": "volunteer", "person": people["vetted"].pk}
    )
    assert "已达到可参与小组的上限" in " ".join(response.context["form"].non_field_errors())
    assert not world.group.memberships.filter(user=people["vetted"]).exists()


@pytest.mark.parametrize("who", ["coordinator", "lead"])
def test_the_lead_is_handed_over_to_a_picked_member(world, people, client_for, who):
    response = client_for(getattr(world, who)).post(
        hand_over_url(world), {"person": world.social_worker.pk}
    )
    assert response.status_code == 302
    lead = world.group.memberships.get(role=Role.LEAD, left_at__isnull=True)
    assert lead.user == world.social_worker


@pytest.mark.parametrize("forged", ["vetted", "volunteer", "lead", "partner"])
def test_the_lead_is_not_handed_to_someone_the_picker_would_not_offer(
    world, people, client_for, forged
):
    user = people[forged] if forged in people else getattr(world, forged)
    response = client_for(world.lead).post(hand_over_url(world), {"person": user.pk})
    assert response.status_code == 200
    assert "不能在这里选择此人" in " ".join(response.context["form"].non_field_errors())
    lead = world.group.memberships.get(role=Role.LEAD, left_at__isnull=True)
    assert lead.user == world.lead


def test_the_pages_show_the_picker_and_keep_the_e_mail_field(world, client_for):
    for url in (add_url(world), hand_over_url(world)):
        page = client_for(world.coordinator).get(url).content.decode()
        assert "data-person-picker" in page and 'name="person"' in page
        assert 'name="email"' in page
        assert "groups/person_picker.js" in page


# --- the gate in bulk says what it says one by one ------------------------------------------------


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.SOCIAL_WORKER, Role.ENTERPRISE_CONTACT])
def test_the_gate_in_bulk_gives_each_person_the_reasons_it_gives_them_alone(world, people, role):
    from groups import gate

    everyone = [*people.values(), world.volunteer, world.social_worker, world.partner, world.lead]
    together = gate.refusals_by_person(
        group=world.group, users=everyone, role=role, path=services.MEMBER_ADD
    )
    alone = {
        user.pk: gate.membership_refusals(
            group=world.group, user=user, role=role, path=services.MEMBER_ADD, lock=False
        )
        for user in everyone
    }
    assert together == alone
    assert any(together.values()) and not all(together.values())
