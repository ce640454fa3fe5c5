"""Keeping the figures right: announced changes update them at once, the nightly recompute finds
and repairs drift, and a past month keeps the state it had at its end."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from dashboards.models import MonthFigure
from dashboards.services import figures_recompute_all, figures_recompute_recent
from groups import services as group_services
from groups.models import Stage
from portal.models import Region
from tests.dashboards.conftest import TIANHE, A, B, C
from tests.groups.conftest import group_data
from tests.volunteers.factories import profile
from volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db


def figure(code, key, month) -> int:
    row = MonthFigure.objects.filter(region__code=code, key=key, month=month).first()
    return row.value if row else 0


def test_the_nightly_recompute_reports_and_repairs_drift(county_world):
    month = county_world.clock.this
    figures_recompute_all()
    assert figures_recompute_all().total == 0  # nothing changed: nothing to repair
    # A cell overwritten, one lost, one that should not be there.
    MonthFigure.objects.filter(region__code=A, key="groups.open", month=month).update(value=40)
    MonthFigure.objects.filter(region__code=C, key="service.stars_1").delete()
    MonthFigure.objects.filter(region__code=C, key="people.volunteers", month=month).delete()
    MonthFigure.objects.create(
        region=Region.objects.get(code=B), month=month, key="referrals.hired", value=3
    )
    result = figures_recompute_all()
    assert result.total == 3
    assert result.changed["groups.state"] == 1
    assert result.changed["people.state"] == 1
    assert result.changed["referrals"] == 1
    assert figure(A, "groups.open", month) == 2
    assert figure(C, "people.volunteers", month) == 1
    assert figure(B, "referrals.hired", month) == 0
    assert figures_recompute_all().total == 0


def test_the_command_prints_the_drift(county_world, capsys):
    call_command("dashboards_recompute")
    call_command("dashboards_recompute", "--recent")
    out = capsys.readouterr().out
    assert "groups.state" in out and "0 cells repaired over 2 months" in out


def test_an_announced_group_updates_its_office_at_once(
    county_world, django_capture_on_commit_callbacks
):
    figures_recompute_all()
    month = county_world.clock.this
    with django_capture_on_commit_callbacks(execute=True):
        group_services.group_create(
            data=group_data(
                county_world.regions,
                judicial_office=county_world.regions[B],
                stage=Stage.ENTRY,
                start_date=timezone.localdate(),
                planned_end_date=timezone.localdate() + timedelta(days=365),
            ),
            created_by=county_world.coordinator,
        )
    assert figure(B, "groups.open", month) == 2
    assert figure(B, "groups.entry", month) == 1
    assert figure(B, "groups.started", month) == 2
    assert figure(B, "learning.groups_due", month) == 2


def test_an_announced_vetting_updates_the_people_figures(
    county_world, django_capture_on_commit_callbacks
):
    from volunteers.services import vetting

    figures_recompute_all()
    waiting = VolunteerProfile.objects.get(status=VolunteerProfile.Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        vetting.profile_decide(
            profile=waiting, decision="approve", decided_by=county_world.coordinator
        )
    assert figure(C, "people.volunteers", county_world.clock.this) == 2


def test_a_past_month_keeps_the_state_it_had_at_its_end(county_world):
    figures_recompute_all()
    last = county_world.clock.last
    before = figure(A, "people.volunteers", last)
    assert before == 1
    # A volunteer approved today, and backdated in the record: not last month's business any
    # more, since last month's states were taken when it ended.
    late = profile(regions=(A,))
    VolunteerProfile.objects.filter(pk=late.pk).update(
        decided_at=timezone.now() - timedelta(days=60)
    )
    figures_recompute_recent()
    figures_recompute_all()
    assert figure(A, "people.volunteers", last) == before
    assert figure(A, "people.volunteers", county_world.clock.this) == 2


def test_a_past_month_without_figures_is_worked_out_from_the_records_dates(county_world):
    figures_recompute_all()
    last = county_world.clock.last
    # At last month's end: g1, g2 (entered last month) and g3 (closed this month) were open in
    # A; g6 in C. g4, g5 did not exist yet.
    assert figure(A, "groups.open", last) == 3
    assert figure(C, "groups.open", last) == 1
    assert figure(B, "groups.open", last) == 0
    # Stars from the hours confirmed by then: v1 had 120 h less this month's 2.5 h.
    assert figure(A, "service.stars_1", last) == 1
    assert figure(TIANHE, "people.universities", last) == 1


def test_the_recent_recompute_touches_only_two_months(county_world):
    figures_recompute_all()
    old = date(2020, 1, 1)
    MonthFigure.objects.create(
        region=Region.objects.get(code=A), month=old, key="referrals.sent", value=9
    )
    assert figures_recompute_recent().months == 2
    assert figure(A, "referrals.sent", old) == 9
