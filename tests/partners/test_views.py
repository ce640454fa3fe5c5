"""Who may open each partners page (everyone else gets 404, so nothing leaks), the public lists
and their filters, bad input through the forms, and query counts that do not grow."""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from groups.models import CorrectionGroup
from groups.scale import create_groups
from partners import services
from partners.dashboard import DASHBOARD_REFERRALS
from partners.models import JobPlacement, Organisation, Referral
from partners.scale import create_jobs
from portal.models import AuditEvent, Region
from tests import factories
from tests.partners import factories as pf

ALLOWED, HIDDEN, LOGIN = 200, 404, 302
PEOPLE = ("owner", "member", "outsider", "coordinator", "other_coordinator", "lead", "anonymous")


def expect(**overrides):
    row = dict.fromkeys(PEOPLE, HIDDEN)
    row["anonymous"] = LOGIN
    row.update(overrides)
    return row


MATRIX = {
    "manage": expect(owner=ALLOWED, member=ALLOWED),
    "edit": expect(owner=ALLOWED, member=ALLOWED),
    "invite": expect(owner=ALLOWED, member=ALLOWED),
    "posting_create": expect(owner=ALLOWED, member=ALLOWED),
    "posting_edit": expect(owner=ALLOWED, member=ALLOWED),
    "verify": expect(coordinator=ALLOWED),
    "licence": expect(coordinator=ALLOWED),
    "verification": expect(coordinator=ALLOWED, other_coordinator=ALLOWED),
    "referral": expect(owner=ALLOWED, member=ALLOWED, coordinator=ALLOWED, lead=ALLOWED),
    "refer": expect(lead=ALLOWED),
    "job": dict.fromkeys(PEOPLE, ALLOWED),
    "draft_job": expect(owner=ALLOWED, member=ALLOWED, anonymous=HIDDEN),
}
CASES = [(view, person, status) for view, row in MATRIX.items() for person, status in row.items()]


def url_for(view, world, referral):
    org, job = world.organisation, world.job
    return {
        "manage": reverse("partners:manage", args=[org.pk]),
        "edit": reverse("partners:edit", args=[org.pk]),
        "invite": reverse("partners:invite", args=[org.pk]),
        "posting_create": reverse("partners:posting_create", args=[org.pk, "job"]),
        "posting_edit": reverse("partners:posting_edit", args=["job", job.pk]),
        "verify": reverse("partners:verify", args=[org.pk]),
        "licence": reverse("partners:licence", args=[org.pk]),
        "verification": reverse("partners:verification"),
        "referral": reverse("partners:referral", args=[referral.pk]),
        "refer": reverse("partners:refer", args=["job", job.pk]),
        "job": reverse("partners:job", args=[job.pk]),
        "draft_job": reverse(
            "partners:job", args=[pf.job(org, world.owner, publish=False, title="草稿岗位").pk]
        ),
    }[view]


@pytest.mark.parametrize(("view", "person", "status"), CASES)
def test_who_may_open_each_page(world, referral, client_for, view, person, status):
    response = client_for(getattr(world, person)).get(url_for(view, world, referral))
    assert response.status_code == status


def test_the_licence_is_served_with_its_checked_type_and_never_cached(world, client_for):
    response = client_for(world.coordinator).get(
        reverse("partners:licence", args=[world.organisation.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_organisation_sees_the_pseudonym_and_shared_facts_only(world, referral, client_for):
    response = client_for(world.member).get(reverse("partners:referral", args=[referral.pk]))
    html = response.content.decode()
    assert world.group.code in html and "做过三年车工" in html
    assert "每周三电话报到" not in html  # case notes
    assert "危险驾驶" not in html  # offence
    referral.refresh_from_db()
    assert referral.status == Referral.Status.VIEWED


def test_the_employer_moves_a_referral_to_hired(world, referral, client_for):
    client = client_for(world.owner)
    url = reverse("partners:referral_move", args=[referral.pk])
    for status in ("interview", "offered", "hired"):
        client.post(url, {"status": status, "note": "面试通过"})
    referral.refresh_from_db()
    assert referral.status == "hired"
    assert referral.follow_ups.count() == 2


def test_the_lead_cannot_move_for_the_employer(world, referral, client_for):
    client_for(world.lead).post(
        reverse("partners:referral_move", args=[referral.pk]), {"status": "offered"}
    )
    referral.refresh_from_db()
    assert referral.status == "referred"


def test_an_outsider_cannot_move_a_referral(world, referral, client_for):
    response = client_for(world.outsider).post(
        reverse("partners:referral_move", args=[referral.pk]), {"status": "declined"}
    )
    assert response.status_code == HIDDEN


def test_refer_through_the_form_and_refusal_in_words(world, client_for):
    client = client_for(world.lead)
    url = reverse("partners:refer", args=["job", world.job.pk])
    response = client.post(url, {"group": world.group.code, "availability": "工作日白天"})
    referral = Referral.objects.get()
    assert response.status_code == 302 and referral.shared == {"availability": "工作日白天"}
    response = client.post(url, {"group": world.group.code})
    assert response.status_code == 200
    assert world.group.code in response.content.decode()
    assert Referral.objects.count() == 1


def test_registering_through_the_form(world, client_for):
    client = client_for(world.outsider)
    data = pf.organisation_data(name="成都蜀新科技有限公司")
    data["region"] = data["region"].pk
    data["licence"] = pf.licence()
    response = client.post(reverse("partners:register"), data)
    org = Organisation.objects.get(name="成都蜀新科技有限公司")
    assert response.status_code == 302
    assert org.members.get().user == world.outsider


def test_an_executable_licence_through_the_form_changes_nothing(world, client_for):
    data = pf.organisation_data(name="假公司")
    data["region"] = data["region"].pk
    data["licence"] = pf.licence(pf.EXE, "执照.pdf")
    response = client_for(world.outsider).post(reverse("partners:register"), data)
    assert response.status_code == 200
    assert 'id="id_licence_error"' in response.content.decode() or "licence" in str(
        response.context["form"].errors
    )
    assert not Organisation.objects.filter(name="假公司").exists()


def test_a_salary_minimum_over_the_maximum_through_the_form(world, client_for):
    data = {
        k: v
        for k, v in pf.job_data(salary_min=9000, salary_max=5000).items()
        if not isinstance(v, list)
    }
    data.update(industry=data["industry"].pk, work_locations=[Region.objects.get(code="440106").pk])
    response = client_for(world.owner).post(
        reverse("partners:posting_create", args=[world.organisation.pk, "job"]), data
    )
    assert response.status_code == 200
    assert "salary_max" in response.context["form"].errors
    assert JobPlacement.objects.count() == 1


def test_verifying_through_the_page(world, client_for):
    org = pf.organisation(world.outsider, verified=False, name="待核验公司")
    response = client_for(world.coordinator).post(
        reverse("partners:verify", args=[org.pk]), {"decision": "verify"}
    )
    org.refresh_from_db()
    assert response.status_code == 302 and org.is_verified
    assert AuditEvent.objects.filter(action="organisation.verified", actor=world.coordinator)


def test_another_regions_coordinator_cannot_verify(world, client_for):
    org = pf.organisation(world.outsider, verified=False, name="待核验公司")
    response = client_for(world.other_coordinator).post(
        reverse("partners:verify", args=[org.pk]), {"decision": "verify"}
    )
    org.refresh_from_db()
    assert response.status_code == 404 and not org.is_verified


# --- public lists -----------------------------------------------------------------------------

FILTERS = {"region": "440106", "industry": "C", "salary": "4000"}


def test_the_public_list_filters(world, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # indexed for the search box
        other = pf.job(world.organisation, world.owner, title="仓库管理员", salary_min=3000,
                       salary_max=3500)  # fmt: skip
    anonymous = client_for(None)
    response = anonymous.get(reverse("partners:jobs"), FILTERS)
    assert world.job in response.context["page"].object_list
    assert other not in response.context["page"].object_list
    # The search box is the site search's: a two-character word inside a longer one, in the
    # title or the organisation's name.
    response = anonymous.get(reverse("partners:jobs"), {"q": "仓库"})
    assert list(response.context["page"].object_list) == [other]
    response = anonymous.get(reverse("partners:jobs"), {"q": "仓库 管理"})
    assert list(response.context["page"].object_list) == [other]
    # A city-wide place of work is found from a county in it, and a county from its city.
    response = anonymous.get(reverse("partners:jobs"), {"region": "440100"})
    assert response.context["page"].paginator.count == 2


def test_the_list_is_served_from_the_cache_until_what_it_shows_changes(world, client_for):
    anonymous, url = client_for(None), reverse("partners:jobs")
    first = anonymous.get(url, FILTERS).content.decode()
    assert world.job.title in first
    with CaptureQueriesContext(connection) as queries:
        again = client_for(world.owner).get(url, FILTERS)  # the same body for a signed-in reader
    assert world.job.title in again.content.decode()
    assert not any("partners_jobplacement" in q["sql"] for q in queries.captured_queries)
    # A posting closed, an organisation renamed: the next reader sees it at once.
    services.posting_set_status(posting=world.job, status="closed", changed_by=world.owner)
    assert world.job.title not in anonymous.get(url, FILTERS).content.decode()
    world.job.status = JobPlacement.Status.OPEN
    world.job.save(update_fields=["status"])
    Organisation.objects.filter(pk=world.organisation.pk).update(name="新名字科技")
    world.organisation.refresh_from_db()
    world.organisation.save()
    assert "新名字科技" in anonymous.get(url, FILTERS).content.decode()


def test_searches_and_bad_values_are_not_kept(
    world, client_for, django_capture_on_commit_callbacks
):
    from partners import listing

    anonymous, url = client_for(None), reverse("partners:jobs")
    anonymous.get(url, {"salary": "很多"})
    anonymous.get(url, {"salary": "4000"})
    with translation.override("zh-hans"):  # the language the pages were served in
        # A keyword search is the site search's, for its reader; a repeated field is odd.
        for query in ({"q": "数控"}, {"region": ["440106", "440100"]}):
            assert listing.read(RequestFactory().get(url, query), "job") == (None, None)
        assert listing.read(RequestFactory().get(url, {"salary": "很多"}), "job")[0] is None
        body = listing.read(RequestFactory().get(url, {"salary": "4000"}), "job")[0]
        assert world.job.title in body
    with translation.override("en"):  # each language its own
        assert listing.read(RequestFactory().get(url, {"salary": "4000"}), "job")[0] is None


def test_a_bad_filter_shows_an_error_and_no_rows(world, client_for):
    response = client_for(None).get(reverse("partners:jobs"), {"salary": "很多"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert response.context["filter"].errors


def test_drafts_and_unverified_organisations_are_not_listed(world, client_for):
    pf.job(world.organisation, world.owner, publish=False, title="草稿")
    unverified = pf.organisation(world.outsider, verified=False, name="未核验")
    pf.job(unverified, world.outsider, publish=False, title="未核验岗位")
    titles = [j.title for j in client_for(None).get(reverse("partners:jobs")).context["page"]]
    assert titles == [world.job.title]


def _list_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(reverse("partners:jobs"), FILTERS)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("count", [3, 60])
def test_the_filtered_list_costs_the_same_at_any_size(
    world, client_for, django_assert_max_num_queries, count
):
    create_jobs(count, rng=random.Random(1), organisations=[world.organisation])
    response = _list_queries(client_for(None), django_assert_max_num_queries)
    assert response.context["page"].paginator.count >= 1


@pytest.mark.parametrize("count", [2, 40])
def test_the_employer_dashboard_costs_the_same_at_any_size(
    world, client_for, django_assert_max_num_queries, count
):
    create_groups(count, rng=random.Random(2), offices=[Region.objects.get(code="440106005")])
    now = timezone.now()
    Referral.objects.bulk_create(
        Referral(group=g, job=world.job, organisation=world.organisation, referred_at=now,
                 respond_by=now + timedelta(days=7), shared={"availability": "白天"})
        for g in CorrectionGroup.objects.exclude(pk=world.group.pk)
    )  # fmt: skip
    pf.programme(world.organisation, world.owner)
    client = client_for(world.owner)
    client.get(reverse("partners:jobs"))  # the session's first use is not the page's cost
    with django_assert_max_num_queries(16):
        response = client.get(reverse("partners:manage", args=[world.organisation.pk]))
    html = response.content.decode()
    # Every referral up to the page's cap is listed; beyond it, one link to all of them.
    shown = min(count, DASHBOARD_REFERRALS)
    assert html.count('<td><a href="/partners/referrals/') == shown
    assert (f"/partners/referrals/?job={world.job.pk}" in html) == (count > DASHBOARD_REFERRALS)


def test_the_employer_dashboard_lists_members_requests_and_invitations(world, client_for):
    services.join_request_create(
        organisation=world.organisation, user=world.outsider, message="想加入<贵单位>"
    )
    services.invitation_create(
        organisation=world.organisation, email="xin@example.cn", invited_by=world.owner
    )
    html = (
        client_for(world.owner)
        .get(reverse("partners:manage", args=[world.organisation.pk]))
        .content.decode()
    )
    members = html.split('<ul class="members">')[1]
    assert '黄经理 <span class="meta">负责人</span>' in members
    assert '周助理 <span class="meta">成员</span>' in members
    request = html.split('<ul class="members">')[2]
    assert "局外人" in request and world.outsider.email in request
    assert "想加入&lt;贵单位&gt;" in request  # escaped
    join = world.organisation.join_requests.get(user=world.outsider)
    assert reverse("partners:join_decide", args=[world.organisation.pk, join.pk]) in request
    invitations = html.split('<ul class="members">')[3]
    assert "xin@example.cn" in invitations
    assert timezone.localdate().strftime("%Y-%m-%d") in invitations


def test_the_employer_dashboard_escapes_what_members_wrote(world, client_for):
    JobPlacement.objects.filter(pk=world.job.pk).update(title="<b>仓库</b>管理员")
    html = (
        client_for(world.owner)
        .get(reverse("partners:manage", args=[world.organisation.pk]))
        .content.decode()
    )
    assert "&lt;b&gt;仓库&lt;/b&gt;管理员" in html and "<b>仓库</b>" not in html
    assert f'<a href="/partners/jobs/{world.job.pk}/">' in html


def _refer_many(world, count, *, status=Referral.Status.REFERRED, minutes=0):
    create_groups(count, rng=random.Random(minutes), offices=[Region.objects.get(code="440106005")])
    now = timezone.now()
    groups = CorrectionGroup.objects.exclude(pk=world.group.pk).exclude(referrals__isnull=False)
    return Referral.objects.bulk_create(
        Referral(group=g, job=world.job, organisation=world.organisation, status=status,
                 referred_at=now - timedelta(minutes=minutes + i),
                 respond_by=now + timedelta(days=7))
        for i, g in enumerate(groups.order_by("pk"))
    )  # fmt: skip


def test_the_employer_dashboard_shows_what_awaits_an_answer_first_then_the_newest(
    world, client_for
):
    # 12 already answered (the newest of all), 12 awaiting an answer (older): the page shows the
    # 10 awaiting first, newest first, and counts the 24 behind its link.
    answered = _refer_many(world, 12, status=Referral.Status.INTERVIEW)
    awaiting = _refer_many(world, 12, minutes=60)
    closed = awaiting[-1].group
    closed.status = CorrectionGroup.Status.CLOSED
    closed.save(update_fields=["status"])  # its referral is no longer the organisation's to see
    response = client_for(world.owner).get(reverse("partners:manage", args=[world.organisation.pk]))
    html = response.content.decode()
    rows = html.split('<td><a href="/partners/referrals/')[1:]
    shown = [int(r.split("/", 1)[0]) for r in rows]
    assert shown == [r.pk for r in awaiting[:DASHBOARD_REFERRALS]]
    assert answered[0].pk not in shown
    posting = response.context["jobs"][0]
    assert posting.referral_count == 23  # the closed group's referral is not counted
    assert timezone.localtime(awaiting[0].respond_by).strftime("%Y-%m-%d") in rows[0]
    assert "GD-" in rows[0] and "已转介" in rows[0]
    assert f"/partners/referrals/?job={world.job.pk}" in html


def test_the_referral_list_narrows_to_one_posting_and_never_widens(world, client_for):
    _refer_many(world, 3)
    other = pf.job(world.organisation, world.owner, title="另一岗位")
    url = reverse("partners:referrals")
    owner = client_for(world.owner)
    assert owner.get(url, {"job": world.job.pk}).context["page"].paginator.count == 3
    assert owner.get(url, {"job": other.pk}).context["page"].paginator.count == 0
    assert owner.get(url, {"job": "x1"}).context["page"].paginator.count == 0
    assert owner.get(url, {"job": "9" * 30}).context["page"].paginator.count == 0
    assert owner.get(url, {"programme": world.job.pk}).context["page"].paginator.count == 0
    outsider = client_for(world.outsider)
    assert outsider.get(url, {"job": world.job.pk}).context["page"].paginator.count == 0


def test_the_menu_and_home_page_counts(world, client_for):
    from partners.counts import counts

    assert counts() == {"universities": 0, "enterprises": 1}
    html = client_for(world.owner).get(reverse("partners:jobs")).content.decode()
    assert reverse("partners:mine") in html


def test_leaving_through_the_page(world, client_for):
    response = client_for(world.member).post(
        reverse("partners:leave", args=[world.organisation.pk])
    )
    assert response.status_code == 302
    assert (
        client_for(world.member)
        .get(reverse("partners:manage", args=[world.organisation.pk]))
        .status_code
        == HIDDEN
    )


def test_a_volunteer_cannot_register_an_organisation(world, client_for):
    assert client_for(world.volunteer).get(reverse("partners:register")).status_code == HIDDEN
    assert client_for(world.outsider).get(reverse("partners:register")).status_code == ALLOWED


def test_join_request_through_the_page(world, client_for):
    client_for(world.outsider).post(
        reverse("partners:join", args=[world.organisation.pk]), {"message": "想加入"}
    )
    join = world.organisation.join_requests.get(user=world.outsider)
    client_for(world.owner).post(
        reverse("partners:join_decide", args=[world.organisation.pk, join.pk]), {"approve": "1"}
    )
    assert world.organisation.members.filter(user=world.outsider, left_at__isnull=True).exists()


def test_other_users_kind_of_account_gets_no_partner_menu(world, client_for):
    html = client_for(factories.VolunteerFactory()).get(reverse("partners:jobs")).content.decode()
    assert reverse("partners:mine") not in html


def test_programmes_follow_the_job_pattern(world, client_for):
    programme = pf.programme(world.organisation, world.owner)
    response = client_for(None).get(reverse("partners:programmes"), {"kind": "counselling"})
    assert programme in response.context["page"].object_list
    assert (
        client_for(None).get(reverse("partners:programme", args=[programme.pk])).status_code == 200
    )
    client_for(world.lead).post(
        reverse("partners:refer", args=["programme", programme.pk]), {"group": world.group.code}
    )
    referral = Referral.objects.get(programme=programme)
    assert (
        client_for(world.member).get(reverse("partners:referral", args=[referral.pk])).status_code
        == 200
    )


def test_a_closed_group_ends_the_organisations_access(world, referral, client_for):
    from groups import services as group_services

    group_services.group_close(group=world.group, reason="released", closed_by=world.coordinator)
    url = reverse("partners:referral", args=[referral.pk])
    assert client_for(world.member).get(url).status_code == HIDDEN
    assert client_for(world.lead).get(url).status_code == ALLOWED
    assert client_for(world.coordinator).get(url).status_code == ALLOWED


def test_a_logo_must_be_an_image(world, client_for):
    data = pf.organisation_data(name="有标志的公司")
    data["region"] = data["region"].pk
    data["logo"] = pf.licence(pf.PDF, "logo.png", "image/png")
    response = client_for(world.outsider).post(reverse("partners:register"), data)
    assert response.status_code == 200
    assert not Organisation.objects.filter(name="有标志的公司").exists()
