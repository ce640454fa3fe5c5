"""seed_demo leaves a closed flood drill in 天河区 with its report: the demo coordinator finds it
in their list, and no demo learner was ever a recipient. Re-running adds nothing."""

import io

import pytest
from django.core.management import call_command

from alerts import demo
from alerts.models import Alert, Recipient

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_closed_drill_with_its_report(reference_data, monkeypatch, client_for):
    from groups import demo as groups_demo
    from portal.management.commands import seed_demo

    monkeypatch.setattr(seed_demo, "app_modules", lambda name: (groups_demo, demo))
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    alert = Alert.objects.get()
    assert alert.is_drill and alert.status == Alert.Status.CLOSED
    assert alert.report["summary"]["acknowledged"] == 3
    assert alert.report["summary"]["median_seconds"] == 160
    reached = set(Recipient.objects.filter(alert=alert).values_list("user__email", flat=True))
    assert "learner@demo.portal.cn" not in reached
    assert "volunteer@demo.portal.cn" in reached
    coordinator = alert.sender
    page = client_for(coordinator).get(f"/alerts/{alert.pk}/report/").content.decode()
    assert "已联系上，对象在家，安全" in page and "演练" in page
