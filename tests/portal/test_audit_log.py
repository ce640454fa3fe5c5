"""The audit log page: who may read it, what each reader sees, its filters and its cost."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from portal.models import AuditEvent
from portal.services import audit_record
from tests import factories

URL = reverse("portal:audit_log")
SHANGHAI = ZoneInfo("Asia/Shanghai")

# Session, user, the access check's roles, the coordinator scope (twice: rows and region
# choices), the row count, the page of rows, the region choices, the menu's roles and unread
# messages.
AUDIT_LOG_QUERIES = 10


def html(response):
    return response.content.decode()


def shown(response):
    """The region codes of the rows on the page ("" for an event without a region)."""
    return sorted((e.region.code if e.region else "") for e in response.context["page"])


def record(regions, code, *, action="group.viewed", actor=None, when=None):
    event = audit_record(actor=actor, action=action, target=regions[code], region=regions[code])
    if when is not None:
        AuditEvent.objects.filter(pk=event.pk).update(created_at=when)
    return event


@pytest.fixture
def trail(regions):
    """One event in each corner of the tree, and one with no region at all."""
    for code in ("440106", "440106005", "440104", "440104003", "510107", "510107001"):
        record(regions, code)
    audit_record(actor=None, action="account.created")


def test_a_coordinator_sees_their_county_and_its_judicial_offices_only(client_for, people, trail):
    response = client_for(people.owner).get(URL)
    assert response.status_code == 200
    assert shown(response) == ["440106", "440106005"]
    assert "石牌街司法所" in html(response) and "越秀区" not in html(response)


def test_another_provinces_coordinator_sees_only_their_own_events(client_for, people, trail):
    response = client_for(people.outsider).get(URL)
    assert shown(response) == ["510107", "510107001"]
    assert "天河区" not in html(response)


def test_a_volunteer_and_an_education_officer_are_told_the_page_does_not_exist(
    client_for, people, regions, trail
):
    assert client_for(people.member).get(URL).status_code == 404
    officer = factories.education_officer(regions["440000"])
    assert client_for(officer).get(URL).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client_for, people):
    response = client_for(people.anonymous).get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_admin_sees_every_event_including_those_without_a_region(client_for, trail):
    response = client_for(factories.AdminFactory()).get(URL)
    assert shown(response) == [
        "",
        "440104",
        "440104003",
        "440106",
        "440106005",
        "510107",
        "510107001",
    ]


def test_the_newest_event_comes_first(client_for, people, regions):
    record(
        regions,
        "440106",
        action="group.created",
        when=datetime.datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI),
    )
    record(
        regions,
        "440106",
        action="group.closed",
        when=datetime.datetime(2026, 5, 1, 9, 0, tzinfo=SHANGHAI),
    )
    record(
        regions,
        "440106",
        action="group.viewed",
        when=datetime.datetime(2026, 4, 1, 9, 0, tzinfo=SHANGHAI),
    )
    actions = [e.action for e in client_for(people.owner).get(URL).context["page"]]
    assert actions == ["group.closed", "group.viewed", "group.created"]


def test_the_action_filter_matches_the_beginning_of_the_action(client_for, people, regions):
    record(regions, "440106", action="group.viewed")
    record(regions, "440106", action="group.member_added")
    record(regions, "440106", action="staff_role.granted")
    client = client_for(people.owner)
    actions = {e.action for e in client.get(URL, {"action": "group."}).context["page"]}
    assert actions == {"group.viewed", "group.member_added"}
    exact = client.get(URL, {"action": "staff_role.granted"}).context["page"]
    assert [e.action for e in exact] == ["staff_role.granted"]


def test_the_actor_filter_finds_part_of_a_chinese_name(client_for, people, regions):
    li = factories.StaffRoleFactory(region=regions["440106"], user__display_name="李协调").user
    wang = factories.StaffRoleFactory(region=regions["440106"], user__display_name="王社工").user
    record(regions, "440106", action="group.viewed", actor=li)
    record(regions, "440106", action="group.closed", actor=wang)
    response = client_for(people.owner).get(URL, {"actor": "协调"})
    assert [e.actor_repr for e in response.context["page"]] == [f"李协调 <{li.email}>"]
    assert "李协调" in html(response) and "王社工" not in html(response)


def test_the_region_filter_includes_the_regions_beneath(client_for, people, regions, trail):
    client = client_for(people.owner)
    assert shown(client.get(URL, {"region": regions["440106"].pk})) == ["440106", "440106005"]
    assert shown(client.get(URL, {"region": regions["440106005"].pk})) == ["440106005"]


def test_the_region_choices_are_the_regions_the_coordinator_covers(client_for, people, regions):
    choices = client_for(people.owner).get(URL).context["filterset"].form.fields["region"]
    assert sorted(r.code for r in choices.queryset) == ["440106", "440106005", "440106006"]


@pytest.mark.parametrize("code", ["510107", "440104", "440000"])
def test_a_region_outside_the_coordinators_cover_is_refused_and_shows_no_rows(
    client_for, people, regions, trail, code
):
    response = client_for(people.owner).get(URL, {"region": regions[code].pk})
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert "请选择您所负责的行政区域。" in html(response)
    assert regions[code].name not in html(response).split("</form>")[1]


@pytest.mark.parametrize("value", ["999999", "abc", "1 OR 1=1"])
def test_an_unknown_region_id_is_refused_and_shows_no_rows(client_for, people, trail, value):
    response = client_for(people.owner).get(URL, {"region": value})
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert "请选择您所负责的行政区域。" in html(response)


def test_since_and_until_are_whole_days_in_shanghai(client_for, people, regions):
    # 23:30 on 1 March in Shanghai is still 1 March; 00:10 on 2 March is already the next day,
    # though both are 1 March in UTC.
    late = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI)
    early = datetime.datetime(2026, 3, 2, 0, 10, tzinfo=SHANGHAI)
    record(regions, "440106", action="group.late", when=late)
    record(regions, "440106", action="group.early", when=early)
    client = client_for(people.owner)

    def actions(**params):
        return [e.action for e in client.get(URL, params).context["page"]]

    assert actions(until="2026-03-01") == ["group.late"]
    assert actions(since="2026-03-02") == ["group.early"]
    assert actions(since="2026-03-01", until="2026-03-01") == ["group.late"]
    assert actions(since="2026-03-01", until="2026-03-02") == ["group.early", "group.late"]


def test_the_time_is_shown_on_the_shanghai_clock(client_for, people, regions):
    record(regions, "440106", when=datetime.datetime(2026, 3, 1, 16, 5, tzinfo=datetime.UTC))
    page = html(client_for(people.owner).get(URL))
    assert "2026年3月2日 00:05" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "2026-13-45"}, "输入一个有效的日期。"),
        ({"until": "昨天"}, "输入一个有效的日期。"),
        ({"since": "0001-01-01"}, "请输入 2000 年至 2099 年之间的日期。"),
        ({"until": "9999-12-31"}, "请输入 2000 年至 2099 年之间的日期。"),
        ({"since": "2026-05-02", "until": "2026-05-01"}, "起始日期晚于截止日期。"),
    ],
)
def test_bad_dates_give_an_error_and_no_rows(client_for, people, trail, params, message):
    response = client_for(people.owner).get(URL, params)
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert message in html(response)


def test_object_id_finds_the_events_of_one_record(client_for, people, regions, trail):
    office = regions["440106005"]
    response = client_for(people.owner).get(URL, {"object_id": str(office.pk)})
    assert shown(response) == ["440106005"]


@pytest.mark.parametrize(("page", "first_action"), [("abc", "group.59"), ("99", "group.09")])
def test_a_page_number_that_is_not_a_page_shows_the_first_or_last_page(
    client_for, people, regions, page, first_action
):
    start = datetime.datetime(2026, 1, 1, tzinfo=SHANGHAI)
    for n in range(60):
        record(regions, "440106", action=f"group.{n:02d}", when=start + datetime.timedelta(hours=n))
    response = client_for(people.owner).get(URL, {"page": page})
    assert response.status_code == 200
    assert [e.action for e in response.context["page"]][0] == first_action


def test_the_pages_keep_the_filters(client_for, people, regions):
    for _ in range(51):
        record(regions, "440106", action="group.viewed")
    page = html(client_for(people.owner).get(URL, {"action": "group."}))
    assert "?action=group.&amp;page=2" in page


@pytest.mark.parametrize("rows", [5, 200])
def test_the_page_runs_a_fixed_number_of_queries(
    client_for, people, regions, rows, django_assert_max_num_queries
):
    actor = factories.coordinator(regions["440106"])
    for n in range(rows):
        record(regions, ("440106", "440106005", "440104")[n % 3], actor=actor)
    client = client_for(people.owner)
    with django_assert_max_num_queries(AUDIT_LOG_QUERIES):
        response = client.get(URL, {"action": "group.", "since": "2000-01-01"})
    assert response.status_code == 200
    visible = sum(1 for n in range(rows) if n % 3 != 2)  # 越秀区 is not the owner's
    assert len(response.context["page"]) == min(50, visible)


def test_the_page_speaks_chinese_and_the_menu_links_to_it_for_coordinators(client_for, people):
    page = html(client_for(people.owner).get(URL))
    assert "<h1>审计日志</h1>" in page
    assert "操作人" in page and "行政区域" in page and "起始日期" in page
    assert f'href="{URL}"' in page
    volunteer_home = html(client_for(people.member).get(reverse("portal:dashboard")))
    assert f'href="{URL}"' not in volunteer_home


def test_the_page_switches_to_english(client_for, people):
    client = client_for(people.owner)
    client.cookies["django_language"] = "en"
    page = html(client.get(URL))
    assert "<h1>Audit log</h1>" in page and "审计日志" not in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_columns_stack_and_nothing_scrolls_sideways(
    people, regions, client_for, live_server, monkeypatch
):
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM

    for _ in range(3):
        record(regions, "440106005", action="group.restriction_changed", actor=people.owner)
    session = client_for(people.owner).cookies[settings.SESSION_COOKIE_NAME].value
    # Playwright runs an event loop in this thread; Django would refuse the live server's ORM.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(
            viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
        )
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        page = context.new_page()
        page.goto(live_server.url + URL)
        assert page.locator("h1").inner_text() == "审计日志"
        widths = page.evaluate(
            """() => {
                const wrapper = document.querySelector("div.table-scroll");
                return [document.documentElement.scrollWidth, wrapper.clientWidth,
                        wrapper.scrollWidth];
            }"""
        )
        first = page.locator("tbody tr").first
        action = first.locator("td").nth(2).bounding_box()
        when = first.locator("td").nth(0).bounding_box()
        browser.close()
    page_width, wrapper_width, table_width = widths
    assert page_width <= 375
    assert table_width <= wrapper_width  # each row is a card: no sideways scrolling at all
    assert action["y"] > when["y"]  # the columns stack one under another


def test_actions_read_in_chinese_words_not_codes(client_for, people, regions):
    record(regions, "440106", action="group.member_added")
    page = client_for(people.owner).get(URL).content.decode()
    assert "添加小组成员" in page
    assert "group.member_added" not in page


def test_the_category_filter_keeps_that_categorys_actions_only(client_for, people, regions):
    record(regions, "440106", action="group.member_added")
    record(regions, "440106", action="volunteer.hours_logged")
    record(regions, "440106", action="activity.created")
    client = client_for(people.owner)
    form = client.get(URL).content.decode()
    assert "志愿者" in form and "账号与权限" in form  # the categories are offered in words
    actions = {e.action for e in client.get(URL, {"category": "volunteer"}).context["page"]}
    assert actions == {"volunteer.hours_logged", "activity.created"}


def test_an_unknown_category_is_a_clear_error_not_a_crash(client_for, people, regions):
    record(regions, "440106", action="group.member_added")
    response = client_for(people.owner).get(URL, {"category": "nonsense"})
    assert response.status_code == 200
    assert "请从列表中选择一个类别" in response.content.decode()
    assert list(response.context["page"]) == []
