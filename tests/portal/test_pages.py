"""The home page, the workspace and the language switch, as each kind of visitor sees them."""

import pytest
from django.urls import reverse

from portal.models import AccountKind, HomePage, StaffRole
from tests import factories

# Session, user, staff roles with regions, the menu's role lookup, unread messages, the alert
# banner's open alerts; then one count per to-do a coordinator's home shows (profiles to vet,
# hours to confirm, groups without a volunteer, groups below the month's hours, sessions
# tomorrow, unread messages, and the partners' row: referrals past their deadline and, for
# staff who lead a group, its referrals waiting). The same with one role or five.
WORKSPACE_QUERIES = 13


def html(response):
    return response.content.decode()


def test_the_home_page_speaks_chinese_by_default_even_to_an_english_browser(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert isinstance(response.context["page"], HomePage)
    assert '<html lang="zh-Hans">' in html(response)
    assert "社区矫正社会力量协同平台" in html(response)
    assert "志愿者" in html(response) and "注册" in html(response)


def test_switching_to_english_shows_the_home_page_in_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in html(response)
    assert "Community corrections social-force coordination portal" in html(response)
    assert "Who takes part" in html(response)
    assert "社区矫正社会力量协同平台" not in html(response)


def test_an_unknown_language_falls_back_to_chinese(client, db):
    client.cookies["django_language"] = "fr"
    assert '<html lang="zh-Hans">' in html(client.get("/"))


def test_the_home_page_counts_only_approved_volunteers_and_social_workers(client, regions):
    from tests.volunteers.factories import profile
    from volunteers.models import VolunteerProfile

    for _ in range(3):
        profile()
    profile(status=VolunteerProfile.Status.SUBMITTED)  # not vetted yet: not counted
    for _ in range(2):
        profile(kind=AccountKind.SOCIAL_WORKER)
    factories.PartnerMemberFactory()
    counts = client.get("/").context["counts"]
    assert (counts["volunteers"], counts["social_workers"]) == (3, 2)


@pytest.mark.parametrize("volunteers", [1, 40])
def test_the_home_page_runs_a_fixed_number_of_queries(
    client, db, volunteers, django_assert_max_num_queries
):
    factories.VolunteerFactory.create_batch(volunteers)
    client.get("/")  # warm Wagtail's site cache, as in a running process
    # Site, page, ancestors, view restrictions, the month's theme, and one figure per app.
    with django_assert_max_num_queries(8):
        assert client.get("/").status_code == 200


def test_the_workspace_turns_away_anonymous_visitors_to_log_in(client_for, people):
    response = client_for(people.anonymous).get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_coordinator_sees_their_role_and_region_in_the_workspace(client_for, people):
    page = html(client_for(people.owner).get(reverse("portal:dashboard")))
    assert "协调员" in page and "天河区" in page
    # Another province's coordinator sees only their own region.
    other = html(client_for(people.outsider).get(reverse("portal:dashboard")))
    assert "武侯区" in other and "天河区" not in other


def test_a_volunteer_has_no_staff_section_or_lesson_editing(client_for, people):
    page = html(client_for(people.member).get(reverse("portal:dashboard")))
    assert people.member.display_name in page
    assert reverse("wagtailadmin_home") not in page


@pytest.mark.parametrize("extra_regions", [[], ["440104", "510107", "440000", "440100"]])
def test_the_workspace_query_count_does_not_grow_with_roles(
    client_for, regions, extra_regions, django_assert_max_num_queries
):
    user = factories.coordinator(regions["440106"])
    for code in extra_regions:
        factories.StaffRoleFactory(user=user, region=regions[code])
    client = client_for(user)
    with django_assert_max_num_queries(WORKSPACE_QUERIES):
        assert client.get(reverse("portal:dashboard")).status_code == 200


def test_only_education_officers_and_admins_reach_the_wagtail_admin(client_for, regions):
    officer = factories.UserFactory()
    from portal import services

    services.staff_role_grant(
        user=officer,
        role=StaffRole.Role.EDUCATION_OFFICER,
        region=regions["440000"],
        granted_by=None,
    )
    assert client_for(officer).get("/admin/").status_code == 200
    assert client_for(factories.AdminFactory()).get("/admin/").status_code == 200
    for outsider in (factories.VolunteerFactory(), factories.coordinator(regions["440106"]), None):
        response = client_for(outsider).get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
