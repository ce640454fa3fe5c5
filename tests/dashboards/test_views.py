"""The dashboard pages: who may see which region (everyone else: 404), the month picker, sort
links, drill-down links, the small-cell rule and the printable page."""

import json

import pytest
from django.urls import reverse

from dashboards.services import figures_recompute_all
from portal.models import StaffRole
from tests import factories
from tests.dashboards.conftest import CITY, PROVINCE, TIANHE, YUEXIU, A, C, staff

pytestmark = pytest.mark.django_db
COORDINATOR, OBSERVER = StaffRole.Role.COORDINATOR, StaffRole.Role.OBSERVER


def url(code, **query):
    path = reverse("dashboards:region", args=[code])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def figures(county_world):
    figures_recompute_all()
    return county_world


def test_a_county_coordinator_sees_the_county_and_its_offices_and_nothing_of_the_other(
    figures, client_for
):
    client = client_for(staff(COORDINATOR, TIANHE, figures.regions))
    assert client.get(url(TIANHE)).status_code == 200
    assert client.get(url(A)).status_code == 200
    for other in (YUEXIU, C, CITY, PROVINCE, "510107"):
        assert client.get(url(other)).status_code == 404, other
    assert client.get(reverse("dashboards:export", args=[YUEXIU])).status_code == 404
    assert client.get(reverse("dashboards:print", args=[YUEXIU])).status_code == 404


def test_observers_see_their_region_and_below(figures, client_for):
    client = client_for(staff(OBSERVER, YUEXIU, figures.regions))
    page = client.get(url(YUEXIU))
    assert page.status_code == 200
    assert "越秀区" in page.content.decode()
    assert client.get(url(C)).status_code == 200
    assert client.get(url(TIANHE)).status_code == 404
    city = client_for(staff(OBSERVER, CITY, figures.regions))
    assert city.get(url(TIANHE)).status_code == 200
    assert city.get(url(YUEXIU)).status_code == 200


def test_admins_see_every_region(figures, client_for):
    client = client_for(factories.AdminFactory())
    for code in (PROVINCE, CITY, TIANHE, A, "510107"):
        assert client.get(url(code)).status_code == 200


@pytest.mark.parametrize(
    "who",
    ["volunteer", "social_worker", "partner", "learner", "education_officer", "reviewer"],
)
def test_people_without_a_reporting_role_are_told_nothing_is_there(figures, client_for, who):
    users = {
        "volunteer": factories.VolunteerFactory,
        "social_worker": factories.SocialWorkerFactory,
        "partner": factories.PartnerMemberFactory,
        "learner": factories.LearnerFactory,
        "education_officer": lambda: staff(
            StaffRole.Role.EDUCATION_OFFICER, PROVINCE, figures.regions
        ),
        "reviewer": lambda: staff(StaffRole.Role.REVIEWER, PROVINCE, figures.regions),
    }
    client = client_for(users[who]())
    assert client.get(url(TIANHE)).status_code == 404
    assert client.get(reverse("dashboards:home")).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(figures, client_for):
    page = client_for(None).get(url(TIANHE))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_login"))


def test_the_menu_leads_a_coordinator_to_their_widest_region(figures, client_for):
    client = client_for(staff(COORDINATOR, TIANHE, figures.regions))
    home = client.get(reverse("portal:dashboard"))
    assert reverse("dashboards:home") in home.content.decode()
    assert client.get(reverse("dashboards:home"))["Location"] == url(TIANHE)


def test_the_county_page_shows_its_figures_breadcrumb_and_offices(figures, client_for):
    client = client_for(staff(COORDINATOR, CITY, figures.regions))
    page = client.get(url(TIANHE))
    html = page.content.decode()
    # Up to the city and province, down to each office, the month kept.
    month = f"{figures.clock.this:%Y-%m}"
    assert f'href="{url(CITY, month=month)}"' in html
    assert f'href="{url(PROVINCE, month=month)}"' in html
    assert f'href="{url(A, month=month)}"' in html
    charts = json.loads(
        html.split('id="dashboard-data" type="application/json">')[1].split("</script>")[0]
    )
    assert [row["name"] for row in charts["comparison"]["rows"]] == [
        "石牌街司法所",
        "天河南街司法所",
    ]
    assert '<th scope="row">在册矫正小组</th>' in html


def test_below_county_level_a_count_under_five_shows_as_less_than_five(figures, client_for):
    client = client_for(staff(COORDINATOR, TIANHE, figures.regions))
    office = client.get(url(A)).content.decode()
    assert "&lt;5" in office
    data = json.loads(
        office.split('id="dashboard-data" type="application/json">')[1].split("</script>")[0]
    )
    open_groups = next(s for s in data["sections"] if s["id"] == "groups")["series"][0]["data"]
    assert open_groups[-1] is None  # 2 open groups: not even the chart gets the number
    # The county's own figures are shown in full; its offices in the comparison are not.
    county = client.get(url(TIANHE)).content.decode()
    data = json.loads(
        county.split('id="dashboard-data" type="application/json">')[1].split("</script>")[0]
    )
    groups = next(s for s in data["sections"] if s["id"] == "groups")["series"][0]["data"]
    assert groups[-1] == 3
    office_a = data["comparison"]["rows"][0]
    assert office_a["values"]["groups.open"] is None
    assert "groups.open" in office_a["hidden"]


def test_sort_links_work_without_javascript(figures, client_for):
    client = client_for(staff(OBSERVER, CITY, figures.regions))
    month = f"{figures.clock.this:%Y-%m}"
    html = client.get(
        url(CITY, month=month, sort="groups.no_volunteer", dir="desc")
    ).content.decode()
    assert html.index("越秀区</a>") < html.index("天河区</a>")  # 2 groups without, against 1
    assert 'aria-sort="descending"' in html
    assert "dir=asc" in html  # the sorted column's link turns the order round
    html = client.get(
        url(CITY, month=month, sort="groups.no_volunteer", dir="asc")
    ).content.decode()
    assert html.index("天河区</a>") < html.index("越秀区</a>")


@pytest.mark.parametrize(
    ("month", "says"),
    [("2026-13", "不是有效的月份"), ("abc", "不是有效的月份"), ("2999-01", "尚未开始")],
)
def test_a_bad_month_is_explained_not_a_server_error(figures, client_for, month, says):
    client = client_for(staff(COORDINATOR, TIANHE, figures.regions))
    page = client.get(url(TIANHE, month=month))
    assert page.status_code == 400
    assert says in page.content.decode()
    assert (
        client.get(reverse("dashboards:export", args=[TIANHE]) + f"?month={month}").status_code
        == 400
    )


def test_last_month_has_its_own_figures(figures, client_for):
    client = client_for(staff(COORDINATOR, TIANHE, figures.regions))
    page = client.get(url(TIANHE, month=f"{figures.clock.last:%Y-%m}"))
    assert page.status_code == 200
    assert f"{figures.clock.last:%Y-%m}" in page.content.decode()


def test_the_printable_page_names_region_and_month(figures, client_for):
    client = client_for(staff(COORDINATOR, TIANHE, figures.regions))
    page = client.get(reverse("dashboards:print", args=[TIANHE]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "天河区" in html and f"{figures.clock.this.year}年{figures.clock.this.month}月" in html
    assert "print.css" in html
    assert "<script" not in html


def test_under_a_city_without_counties_the_offices_are_small_cells(regions, client_for):
    """东莞 holds its towns' offices directly: its comparison rows are offices, so a count under
    five is hidden there too, though the city is one level above a county."""
    from dashboards import months as m
    from dashboards.models import MonthFigure
    from portal import services
    from portal.models import Region

    services.region_tree_load(
        tree=(
            ("440000", "广东省", (("441900", "东莞市", (("441900003", "莞城街道司法所", ()),)),)),
        )
    )
    office = Region.objects.get(code="441900003")
    assert office.level == Region.Level.JUDICIAL_OFFICE
    MonthFigure.objects.create(region=office, month=m.this_month(), key="groups.open", value=3)
    client = client_for(staff(OBSERVER, PROVINCE, regions))
    html = client.get(url("441900")).content.decode()
    row = html.split("莞城街道司法所</a></th>")[1].split("</tr>")[0]
    assert "&lt;5" in row and ">3<" not in row
