"""The mobile client's first minutes, from a separate script over real HTTP (tests/api/
journey.py): a token from the headless login, /me, two hours logged for the group, listed."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import factories
from volunteers.models import ServiceRecord

SCRIPT = Path(__file__).with_name("journey.py")


@pytest.mark.django_db(transaction=True)
def test_a_script_signs_in_reads_me_logs_hours_and_sees_them(live_server, roles):
    run = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            live_server.url,
            roles.volunteer.email,
            factories.PASSWORD,
            roles.group.code,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    answers = [json.loads(line) for line in run.stdout.splitlines()]
    assert [a["status"] for a in answers] == [200, 200, 201, 200]
    assert answers[1]["body"]["profile"]["status_label"] == "已通过"
    listed = answers[3]["body"]["items"]
    assert [(r["hours"], r["status_label"], r["group"]) for r in listed] == [
        (2.0, "待确认", roles.group.code)
    ]
    record = ServiceRecord.objects.get()
    assert record.profile.user == roles.volunteer and record.description == "入户走访，了解就业需求"


@pytest.mark.django_db(transaction=True)
def test_the_script_stops_at_a_wrong_password(live_server, roles):
    run = subprocess.run(
        [sys.executable, str(SCRIPT), live_server.url, roles.volunteer.email, "错误", "X"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert json.loads(run.stdout.splitlines()[0])["status"] == 400
    assert not ServiceRecord.objects.exists()
