"""The staff pages (/staff/): who may open each, what each reader sees, and that a refusal
writes nothing. Every page is checked against the whole cast: an admin, the coordinator of
天河区, coordinators of a sibling county (越秀区) and of a judicial office beneath (石牌街司法所),
an observer, an education officer, a volunteer, a partner member, a learner and a stranger."""

from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse

from portal.models import AuditEvent, StaffRole, User
from tests import factories

Role = StaffRole.Role
CAST = (
    "admin",
    "coordinator",
    "sibling",
    "child",
    "observer",
    "officer",
    "volunteer",
    "partner",
    "learner",
    "anonymous",
)
MANAGERS = {"admin", "coordinator", "sibling", "child"}
# Who may manage the reviewer role over 天河区 that the pages below look at.
OVER_THE_COUNTY = {"admin", "coordinator"}


def role_of(region, role, **user):
    return factories.StaffRoleFactory(region=region, role=role, **user)


@pytest.fixture
def cast(regions):
    return SimpleNamespace(
        admin=factories.AdminFactory(display_name="省厅管理员"),
        coordinator=role_of(
            regions["440106"], Role.COORDINATOR, user__display_name="天河协调员"
        ).user,
        sibling=role_of(regions["440104"], Role.COORDINATOR, user__display_name="越秀协调员").user,
        child=role_of(regions["440106005"], Role.COORDINATOR, user__display_name="石牌协调员").user,
        observer=role_of(regions["440106"], Role.OBSERVER, user__display_name="区领导").user,
        officer=role_of(regions["440106"], Role.EDUCATION_OFFICER).user,
        volunteer=factories.VolunteerFactory(),
        partner=factories.PartnerMemberFactory(),
        learner=factories.LearnerFactory(),
        anonymous=None,
        # The role every page below is about: a reviewer of 天河区.
        target=role_of(regions["440106"], Role.REVIEWER, user__display_name="周审核"),
    )


def expect(who, allowed, *, ok=200):
    if who == "anonymous":
        return 302
    return ok if who in allowed else 404


def written():
    return (StaffRole.objects.count(), User.objects.count(), AuditEvent.objects.count())


def login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


# -- the list ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_the_staff_list_opens_for_admins_and_coordinators_only(client_for, cast, who):
    response = client_for(getattr(cast, who)).get(reverse("staff:list"))
    assert response.status_code == expect(who, MANAGERS)
    if who == "anonymous":
        assert login_redirect(response)


@pytest.mark.parametrize(
    ("who", "names"),
    [
        ("coordinator", ["天河协调员", "石牌协调员", "区领导", "周审核"]),
        ("sibling", ["越秀协调员"]),
        ("child", ["石牌协调员"]),
    ],
)
def test_a_coordinator_lists_the_roles_at_or_below_their_region(client_for, cast, who, names):
    response = client_for(getattr(cast, who)).get(reverse("staff:list"))
    shown = {r.user.display_name for r in response.context["page"]}
    assert names[0] in shown and set(names) <= shown
    for other in {"天河协调员", "越秀协调员", "石牌协调员", "区领导", "周审核"} - set(names):
        assert other not in shown
        assert other not in response.content.decode()


def test_an_admin_lists_every_role(client_for, cast):
    response = client_for(cast.admin).get(reverse("staff:list"))
    assert response.context["page"].paginator.count == StaffRole.objects.count() == 6


def test_the_list_filters_by_role_region_status_and_person(client_for, cast, regions):
    client = client_for(cast.coordinator)
    url = reverse("staff:list")

    def names(**params):
        return sorted(r.user.display_name for r in client.get(url, params).context["page"])

    assert names(role=Role.REVIEWER) == ["周审核"]
    assert names(region=regions["440106005"].pk) == ["石牌协调员"]
    assert names(person="审核") == ["周审核"]
    cast.observer.last_login = cast.observer.date_joined
    cast.observer.save()
    cast.target.user.is_active = False
    cast.target.user.save()
    # Logging in (the coordinator, just now) is what makes an invited account active.
    assert names(status="active") == ["区领导", "天河协调员"]
    assert names(status="disabled") == ["周审核"]
    invited = names(status="invited")
    assert "石牌协调员" in invited and "区领导" not in invited and "周审核" not in invited


@pytest.mark.parametrize("code", ["440104", "440000", "510107"])
def test_a_region_outside_the_coordinators_cover_is_refused_and_shows_no_rows(
    client_for, cast, regions, code
):
    response = client_for(cast.coordinator).get(reverse("staff:list"), {"region": regions[code].pk})
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert "请选择您所负责的行政区域。" in response.content.decode()


def test_the_menu_links_the_staff_pages_for_managers_only(client_for, cast):
    url = reverse("staff:list")
    assert url in client_for(cast.coordinator).get(reverse("portal:dashboard")).content.decode()
    assert url in client_for(cast.admin).get(reverse("portal:dashboard")).content.decode()
    for who in ("observer", "officer", "volunteer"):
        page = client_for(getattr(cast, who)).get(reverse("portal:dashboard")).content.decode()
        assert url not in page


# -- a person's roles -------------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_a_persons_roles_open_for_those_who_manage_one_of_them(client_for, cast, who):
    url = reverse("staff:person", args=[cast.target.user_id])
    response = client_for(getattr(cast, who)).get(url)
    assert response.status_code == expect(who, OVER_THE_COUNTY)
    if response.status_code == 200:
        page = response.content.decode()
        assert "周审核" in page and "审核人" in page and "天河区" in page
        assert reverse("staff:revoke", args=[cast.target.pk]) in page


def test_a_coordinator_sees_their_own_roles_but_no_revoke_button(client_for, cast, regions):
    mine = StaffRole.objects.get(user=cast.coordinator)
    response = client_for(cast.coordinator).get(reverse("staff:person", args=[cast.coordinator.pk]))
    assert response.status_code == 200
    assert reverse("staff:revoke", args=[mine.pk]) not in response.content.decode()


def test_an_unknown_person_is_a_404(client_for, cast):
    assert client_for(cast.admin).get(reverse("staff:person", args=[999999])).status_code == 404


# -- inviting ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_the_invitation_form_opens_for_admins_and_coordinators_only(client_for, cast, who):
    response = client_for(getattr(cast, who)).get(reverse("staff:invite"))
    assert response.status_code == expect(who, MANAGERS)


@pytest.mark.parametrize("who", CAST)
def test_inviting_over_天河区_works_only_for_those_who_cover_it(
    client_for, cast, regions, who, django_capture_on_commit_callbacks
):
    before = written()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(getattr(cast, who)).post(
            reverse("staff:invite"),
            {
                "email": "Li.Ming@Example.CN",
                "display_name": "李明",
                "role": Role.OBSERVER,
                "region": regions["440106"].pk,
            },
        )
    if who in OVER_THE_COUNTY:
        role = StaffRole.objects.get(user__email="li.ming@example.cn")
        assert response.status_code == 302
        assert response["Location"] == reverse("staff:person", args=[role.user_id])
        assert (role.role, role.region.code) == (Role.OBSERVER, "440106")
        assert len(mail.outbox) == 1
        return
    assert response.status_code == {"anonymous": 302, "sibling": 200, "child": 200}.get(who, 404)
    if response.status_code == 200:
        assert "请选择您所负责的行政区域。" in response.content.decode()
    assert written() == before
    assert mail.outbox == []


def test_a_coordinator_may_invite_over_a_judicial_office_beneath(
    client_for, cast, regions, django_capture_on_commit_callbacks
):
    client = client_for(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staff:invite"),
            {
                "email": "chen@example.cn",
                "display_name": "陈静",
                "role": Role.COORDINATOR,
                "region": regions["440106006"].pk,
            },
        )
    assert response.status_code == 302
    role = StaffRole.objects.get(user__email="chen@example.cn")
    assert role.granted_by == cast.coordinator and role.region.code == "440106006"
    page = client.get(response["Location"]).content.decode()
    assert "陈静现为天河南街司法所的协调员。" in page


def test_the_region_choices_are_the_regions_the_inviter_covers(client_for, cast):
    form = client_for(cast.child).get(reverse("staff:invite")).context["form"]
    assert [r.code for r in form.fields["region"].queryset] == ["440106005"]


def test_a_coordinator_cannot_give_themselves_a_role(client_for, cast, regions):
    before = written()
    response = client_for(cast.coordinator).post(
        reverse("staff:invite"),
        {
            "email": cast.coordinator.email,
            "role": Role.EDUCATION_OFFICER,
            "region": regions["440106005"].pk,
        },
    )
    assert response.status_code == 200
    assert "您不能更改自己的角色" in response.content.decode()
    assert written() == before


def test_a_new_address_needs_a_name(client_for, cast, regions):
    before = written()
    response = client_for(cast.coordinator).post(
        reverse("staff:invite"),
        {"email": "new@example.cn", "role": Role.OBSERVER, "region": regions["440106"].pk},
    )
    assert response.status_code == 200
    assert "请输入被邀请人的姓名。" in response.content.decode()
    assert written() == before


def test_the_role_held_already_is_refused(client_for, cast, regions):
    before = written()
    response = client_for(cast.admin).post(
        reverse("staff:invite"),
        {"email": cast.target.user.email, "role": Role.REVIEWER, "region": regions["440106"].pk},
    )
    assert response.status_code == 200
    assert "周审核已在天河区担任此角色。" in response.content.decode()
    assert written() == before


@pytest.mark.parametrize(
    "data",
    [
        {"email": "not-an-address", "role": "observer"},
        {"email": "a@example.cn", "role": "admin"},
        {"email": "a@example.cn", "role": "superuser"},
        {"email": "", "role": "observer"},
    ],
)
def test_bad_input_is_refused_and_writes_nothing(client_for, cast, regions, data):
    before = written()
    response = client_for(cast.admin).post(
        reverse("staff:invite"), {"display_name": "甲", "region": regions["440106"].pk, **data}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert written() == before


# -- revoking ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_the_revoke_confirmation_opens_for_those_who_cover_the_role(client_for, cast, who):
    response = client_for(getattr(cast, who)).get(reverse("staff:revoke", args=[cast.target.pk]))
    assert response.status_code == expect(who, OVER_THE_COUNTY)
    if response.status_code == 200:
        assert "撤销周审核在天河区的审核人角色？" in response.content.decode()
    assert StaffRole.objects.filter(pk=cast.target.pk).exists()


@pytest.mark.parametrize("who", CAST)
def test_revoking_works_only_for_those_who_cover_the_role(client_for, cast, who):
    before = written()
    response = client_for(getattr(cast, who)).post(reverse("staff:revoke", args=[cast.target.pk]))
    if who in OVER_THE_COUNTY:
        assert response.status_code == 302 and response["Location"] == reverse("staff:list")
        assert not StaffRole.objects.filter(pk=cast.target.pk).exists()
        row = AuditEvent.objects.get(action="staff_role.revoked")
        assert (row.actor, row.object_id, row.region.code, row.data) == (
            getattr(cast, who),
            str(cast.target.user_id),
            "440106",
            {"role": "reviewer"},
        )
        return
    assert response.status_code == expect(who, ())
    assert written() == before


def test_nobody_revokes_their_own_role_here(client_for, cast):
    mine = StaffRole.objects.get(user=cast.coordinator)
    assert (
        client_for(cast.coordinator).post(reverse("staff:revoke", args=[mine.pk])).status_code
        == 404
    )
    assert StaffRole.objects.filter(pk=mine.pk).exists()


# -- cost ------------------------------------------------------------------------------------


def _many_roles(regions, count):
    """`count` staff roles of invited people over 天河区 and 石牌街司法所, written in bulk."""
    per_user = 4 * 2
    users = User.objects.bulk_create(
        User(email=f"staff{n}@example.cn", display_name=f"工作人员{n}", kind="staff", password="!")
        for n in range(count // per_user)
    )
    StaffRole.objects.bulk_create(
        StaffRole(user=user, role=role, region=regions[code])
        for user in users
        for role in Role.values
        for code in ("440106", "440106005")
    )


# Session, user, the access check's roles, the row count, the page of rows, the region choices
# of the filter, the menu's unread messages and the alert banner's open alerts.
STAFF_LIST_QUERIES = 8


@pytest.mark.parametrize("extra", [0, 5_000])
@pytest.mark.parametrize("params", [{}, {"role": "observer", "status": "invited"}])
def test_the_staff_list_costs_the_same_queries_at_any_size(
    client_for, cast, regions, django_assert_num_queries, extra, params
):
    _many_roles(regions, extra)
    client = client_for(cast.coordinator)
    with django_assert_num_queries(STAFF_LIST_QUERIES):
        response = client.get(reverse("staff:list"), params)
    assert response.status_code == 200
    if extra:
        assert response.context["page"].paginator.count >= (extra // 4 if params else extra)
