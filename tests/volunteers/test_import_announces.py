"""Imported volunteers are announced like any other new, vetted person: a coordinator finds them
in search right after the import (not only after the nightly check), and the change names every
row as created and vetted, which is what matching refreshes suggestions on."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

import search
from portal import changes
from tests.volunteers import factories as vf
from volunteers.models import VolunteerProfile
from volunteers.services.imports import HEADERS, volunteers_import

PROFILE = "volunteers.VolunteerProfile"
PEOPLE = (
    ("wangjianhua@example.cn", "王建华", "志愿者", "王建华", "男", "法律援助"),
    ("lixiuying@example.cn", "李秀英", "社工", "李秀英", "女", "心理咨询、家庭调解"),
    ("chenzhiqiang@example.cn", "陈志强", "志愿者", "陈志强", "男", "就业指导"),
)


def upload():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for serial, (email, shown, kind, name, gender, skills) in enumerate(PEOPLE, start=701):
        number = vf.id_number(born="19850612", serial=serial)
        writer.writerow([email, shown, kind, name, gender, number, skills, "440106005"])
    return SimpleUploadedFile("志愿者名单.csv", out.getvalue().encode("utf-8-sig"))


@pytest.fixture
def heard(monkeypatch):
    monkeypatch.setattr(changes, "_subscriptions", list(changes._subscriptions))
    calls = []
    changes.subscribe(PROFILE, calls.append, name="tests.imported_profiles")
    return calls


def titles(user, text):
    return [hit.title for hit in search.query(user, text, {"kind": "volunteer"}, 1).hits]


def test_imported_volunteers_are_found_at_once_and_announced_once(
    world, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = volunteers_import(upload=upload(), coordinator=world.coordinator, dry_run=False)
    assert report.imported == 3
    assert any("王建华" in title for title in titles(world.coordinator, "王建华"))
    assert any("李秀英" in title for title in titles(world.coordinator, "家庭调解"))
    assert titles(world.other_coordinator, "王建华") == []  # another province's coordinator

    imported = sorted(
        VolunteerProfile.objects.filter(imported_by=world.coordinator).values_list("pk", flat=True)
    )
    assert len(heard) == 1  # one announcement for the whole file
    assert heard[0].ids(PROFILE, what={"created"}) == imported
    assert heard[0].ids(PROFILE, what={"vetting"}) == imported  # approved: matching may suggest


def test_a_dry_run_announces_nothing(world, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        volunteers_import(upload=upload(), coordinator=world.coordinator, dry_run=True)
    assert heard == []
    assert titles(world.coordinator, "王建华") == []
