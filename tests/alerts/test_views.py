"""The alert pages: who may open which (the owner/member/outsider/anonymous matrix), the compose
→ confirm → send steps with their refusals, the banner on every page, acknowledging with and
without JavaScript, closing, and the report with its workbook."""

import io
import re

import pytest
from django.core import mail
from openpyxl import load_workbook

from alerts import services
from alerts.models import Alert, Recipient
from portal.models import AuditEvent
from tests.alerts.conftest import send

pytestmark = pytest.mark.django_db

PEOPLE = (
    "coordinator", "city_coordinator", "admin", "yuexiu_coordinator", "officer", "lead",
    "volunteer", "learner", "outsider", "anonymous",
)  # fmt: skip
SENDERS = {"coordinator", "city_coordinator", "admin"}


def compose(world, **fields):
    data = {
        "key": "form-key-1",
        "kind": "drill",
        "message": "【演练】天河区暴雨内涝，请立即确认所联系对象是否安全。",
        "scope": "groups",
        "region": world.regions["440106"].pk,
        **fields,
    }
    return {k: v for k, v in data.items() if v is not None}


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize("who", PEOPLE)
def test_the_list_and_the_form_are_for_coordinators_and_admins(world, client_for, who):
    client = client_for(getattr(world, who))
    for url in ("/alerts/", "/alerts/new/"):
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        elif who in SENDERS or who == "yuexiu_coordinator":  # each in their own region
            assert response.status_code == 200
        else:
            assert response.status_code == 404


@pytest.mark.parametrize("who", PEOPLE)
def test_the_board_is_for_the_sender_the_regions_coordinators_and_admins(world, client_for, who):
    alert = send(world)
    response = client_for(getattr(world, who)).get(f"/alerts/{alert.pk}/")
    if who == "anonymous":
        assert response.status_code == 302
    elif who in SENDERS:
        assert response.status_code == 200
        assert "演练" in text(response)
    else:
        assert response.status_code == 404


def test_the_menu_shows_alerts_to_coordinators_only(world, client_for):
    assert "/alerts/" in text(client_for(world.coordinator).get("/me/"))
    assert 'href="/alerts/"' not in text(client_for(world.volunteer).get("/me/"))


def test_compose_confirm_send(world, client_for):
    client = client_for(world.coordinator)
    form = client.get("/alerts/new/")
    assert form.status_code == 200 and 'name="key"' in text(form)
    confirm = client.post("/alerts/new/", compose(world, preview="1"))
    assert confirm.status_code == 200
    assert "将通知 6 人" in text(confirm)
    assert "演练" in text(confirm)
    assert not Alert.objects.exists()  # confirming sends nothing
    sent = client.post("/alerts/new/", compose(world, confirm="1"), follow=True)
    alert = Alert.objects.get()
    assert sent.redirect_chain[-1][0] == f"/alerts/{alert.pk}/"
    assert "已发送给 6 人" in text(sent)
    assert alert.is_drill and alert.recipient_count == 6


def test_a_double_click_on_send_makes_one_alert(world, client_for):
    client = client_for(world.coordinator)
    client.post("/alerts/new/", compose(world, confirm="1"))
    again = client.post("/alerts/new/", compose(world, confirm="1"), follow=True)
    assert Alert.objects.count() == 1
    assert Recipient.objects.count() == 6
    assert "此通知已经发送" in text(again)


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"message": ""}, "请写明收到通知的人需要知道什么"),
        ({"message": "涝" * 10_000}, "最多 500 个字（当前 10000 个）"),
        ({"roles": ["university_contact"]}, "没有人会收到此通知"),
        ({"kind": None}, "请说明这是演练还是真实事件"),
        (
            {"scope": "group", "group_code": "GD-440104-2026-9999"},
            "您负责的地区中没有这个编号的小组",
        ),
        ({"region": None}, "请选择要通知的地区"),
    ],
)
def test_bad_input_gets_a_clear_answer_and_nothing_is_sent(world, client_for, fields, says):
    client = client_for(world.coordinator)
    for step in ("preview", "confirm"):
        response = client.post("/alerts/new/", compose(world, **fields, **{step: "1"}))
        assert response.status_code == 200
        assert says in text(response)
    assert not Alert.objects.exists()


def test_a_coordinator_cannot_send_to_another_region_by_editing_the_form(world, client_for):
    client = client_for(world.yuexiu_coordinator)
    response = client.post("/alerts/new/", compose(world, confirm="1"))  # 天河区
    assert response.status_code == 200
    assert not Alert.objects.exists()
    group = client.post(
        "/alerts/new/", compose(world, confirm="1", scope="group", group_code=world.shipai.code)
    )
    assert "您负责的地区中没有这个编号的小组" in text(group)
    assert not Alert.objects.exists()


def test_posting_the_form_as_someone_who_may_not_send_is_404(world, client_for):
    for who in ("lead", "volunteer", "learner", "outsider"):
        response = client_for(getattr(world, who)).post("/alerts/new/", compose(world, confirm="1"))
        assert response.status_code == 404
    assert not Alert.objects.exists()


# -- the banner -------------------------------------------------------------------------------


def test_the_banner_is_on_every_page_until_acknowledged(world, client_for):
    alert = send(world)
    client = client_for(world.volunteer)
    for url in ("/", "/me/", "/messages/notifications/"):
        page = text(client.get(url))
        assert 'class="alert-banner is-drill"' in page, url
        assert "石牌街道附近发生内涝" in page
        assert "这是演练，不是真实事件" in page
    row = Recipient.objects.get(alert=alert, user=world.volunteer)
    assert row.opened_at is not None  # the page load showed it
    done = client.post(
        f"/alerts/{alert.pk}/acknowledge/", {"quick": "已联系上", "next": "/me/"}, follow=True
    )
    assert done.redirect_chain[-1][0] == "/me/"
    assert 'class="alert-banner' not in text(done).split("<template")[0]
    row.refresh_from_db()
    assert row.acknowledged_at and row.reply == "已联系上"


@pytest.mark.parametrize("target", ["²", "https://evil.example/", "//evil.example/", "me"])
def test_after_acknowledging_only_a_path_of_this_site_is_followed(world, client_for, target):
    alert = send(world)
    response = client_for(world.volunteer).post(
        f"/alerts/{alert.pk}/acknowledge/", {"next": target}
    )
    assert (response.status_code, response["Location"]) == (302, "/")


def test_no_banner_for_a_learner_or_a_stranger(world, client_for):
    send(world)
    for who in ("learner", "yuexiu_volunteer", "outsider"):
        page = text(client_for(getattr(world, who)).get("/me/"))
        assert "石牌街道附近发生内涝" not in page


def test_a_real_alert_is_never_labelled_a_drill(world, client_for):
    from tests.alerts.conftest import county_drill

    send(
        world,
        county_drill(world, message="石牌街道发生火情，请立即联系所负责对象。", is_drill=False),
    )
    page = text(client_for(world.volunteer).get("/me/"))
    assert 'class="alert-banner is-real"' in page
    assert "紧急通知" in page


def test_the_banner_costs_one_query_however_many_alerts_are_open(
    world, client_for, django_assert_num_queries
):
    client = client_for(world.volunteer)
    send(world, key="a")
    client.get("/me/")  # the first load marks it opened
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/me/")
    send(world, key="b")
    send(world, key="c")
    client.get("/me/")
    with CaptureQueriesContext(connection) as three:
        client.get("/me/")
    assert len(three) == len(one)
    assert sum("alerts_recipient" in q["sql"] for q in three.captured_queries) == 1


def test_acknowledging_without_javascript_and_with(world, client_for):
    alert = send(world)
    stranger = client_for(world.yuexiu_volunteer)
    assert stranger.get(f"/alerts/{alert.pk}/acknowledge/").status_code == 404
    assert stranger.post(f"/alerts/{alert.pk}/acknowledge/").status_code == 404
    page = client_for(world.partner).get(f"/alerts/{alert.pk}/acknowledge/")
    assert page.status_code == 200 and "确认收到" in text(page)
    answer = client_for(world.partner).post(
        f"/alerts/{alert.pk}/acknowledge/", {"reply": "需要支援"}, HTTP_ACCEPT="application/json"
    )
    assert answer.json() == {"ok": True}
    too_long = client_for(world.lead).post(
        f"/alerts/{alert.pk}/acknowledge/", {"reply": "好" * 101}, HTTP_ACCEPT="application/json"
    )
    assert too_long.status_code == 400
    assert not Recipient.objects.get(alert=alert, user=world.lead).acknowledged_at
    assert client_for(world.anonymous).post(f"/alerts/{alert.pk}/acknowledge/").status_code == 302


def test_acknowledging_a_closed_alert_says_so(world, client_for):
    alert = send(world)
    services.alert_close(alert=alert, closed_by=world.coordinator)
    answer = client_for(world.volunteer).post(
        f"/alerts/{alert.pk}/acknowledge/", {}, HTTP_ACCEPT="application/json"
    )
    assert answer.status_code == 409
    assert "已经结束" in answer.json()["errors"][0]
    assert "已经结束" in text(client_for(world.volunteer).get(f"/alerts/{alert.pk}/acknowledge/"))


# -- closing and the report -------------------------------------------------------------------


def test_closing_needs_a_post_by_someone_who_manages_the_alert(world, client_for):
    alert = send(world)
    assert client_for(world.coordinator).get(f"/alerts/{alert.pk}/close/").status_code == 405
    for who in ("yuexiu_coordinator", "lead", "volunteer", "outsider"):
        assert client_for(getattr(world, who)).post(f"/alerts/{alert.pk}/close/").status_code == 404
    # Before closing, the report is not there yet.
    early = client_for(world.coordinator).get(f"/alerts/{alert.pk}/report/", follow=True)
    assert "通知结束后生成" in text(early)
    early = client_for(world.coordinator).get(f"/alerts/{alert.pk}/report.xlsx", follow=True)
    assert early.redirect_chain[-1][0] == f"/alerts/{alert.pk}/"
    closed = client_for(world.city_coordinator).post(f"/alerts/{alert.pk}/close/", follow=True)
    assert closed.redirect_chain[-1][0] == f"/alerts/{alert.pk}/report/"
    again = client_for(world.coordinator).post(f"/alerts/{alert.pk}/close/", follow=True)
    assert "此通知已经结束" in text(again)


def test_the_report_lists_the_times_and_the_workbook_keeps_formulas_as_text(world, client_for):
    alert = send(world)
    services.recipient_acknowledge(alert_id=alert.pk, user=world.volunteer, reply="已联系上")
    services.recipient_acknowledge(
        alert_id=alert.pk, user=world.lead, reply='=HYPERLINK("http://evil.example","点我")'
    )
    services.alert_close(alert=alert, closed_by=world.coordinator)
    client = client_for(world.coordinator)
    page = text(client.get(f"/alerts/{alert.pk}/report/"))
    assert "事后报告" in page and "演练" in page
    assert "王小红 已确认" in page and "已联系上" in page
    assert "确认中位用时" in page
    workbook = client.get(f"/alerts/{alert.pk}/report.xlsx")
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"drill-{alert.pk}-" in workbook["Content-Disposition"]
    book = load_workbook(io.BytesIO(workbook.content))
    assert book.sheetnames == ["概要", "时间线", "按小组", "按角色", "全部人员"]
    cells = [c for row in book["全部人员"].iter_rows(values_only=True) for c in row]
    assert '\'=HYPERLINK("http://evil.example","点我")' in cells
    assert "已联系上" in cells
    summary = [c for row in book["概要"].iter_rows(values_only=True) for c in row]
    assert "演练" in summary
    assert AuditEvent.objects.filter(action="alert.report_exported").count() == 1
    for who in ("yuexiu_coordinator", "volunteer", "outsider"):
        assert client_for(getattr(world, who)).get(f"/alerts/{alert.pk}/report/").status_code == 404
        assert (
            client_for(getattr(world, who)).get(f"/alerts/{alert.pk}/report.xlsx").status_code
            == 404
        )


def test_the_list_keeps_drills_and_real_alerts_apart(world, client_for):
    from tests.alerts.conftest import county_drill

    send(world, key="d")
    send(world, county_drill(world, message="真实事件：请立即确认。", is_drill=False), key="r")
    page = text(client_for(world.coordinator).get("/alerts/"))
    real, drills = page.split("突发事件</h2>")[1].split("演练</h2>")
    assert "真实事件：请立即确认" in real and "石牌街道" not in real
    assert "石牌街道" in drills
    assert "石牌街道" not in text(client_for(world.yuexiu_coordinator).get("/alerts/"))
    assert mail.outbox == []
