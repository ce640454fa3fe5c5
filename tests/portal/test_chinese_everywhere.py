"""Chinese everywhere: a zh-hans user (the default language, whatever the browser asks for)
reads no English on the main pages of any role, ours, allauth's and the Wagtail admin pages
editors use. The visible text of each page (no script, no style, no attribute values) may hold
a run of three or more Latin letters only if it is a name that stays Latin (QR, Excel, ...),
an e-mail address, a URL or a code of the demo data."""

import io
import re
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from portal.models import User

pytestmark = pytest.mark.django_db

# Names that stay Latin in Chinese text.
ALLOWED = {"QR", "Excel", "CSV", "XLSX", "ID", "URL", "iCal", "PDF", "PNG", "JPG", "JPEG"}
ALLOWED |= {"AVIF", "GIF", "WEBP"}
ALLOWED |= {"Ctrl", "JavaScript"}
# The language chooser names each language in itself.
ALLOWED |= {"English"}
# In Wagtail's admin only: its own brand. (The page tree's root, "Root" from Wagtail's first
# migration, is renamed by portal's migration 0011; its breadcrumbs show it to editors.)
ALLOWED_IN_ADMIN = ALLOWED | {"Wagtail"}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
ADDRESS = re.compile(r"(?:https?://|www\.)\S+|(?<!\w)/[\w./?=&%-]+")
# Codes of the demo data: group codes (GD-440106-2026-0001); file endings (.xlsx, .ics).
CODE = re.compile(r"\b[A-Z]{2,}(?:-[A-Z0-9]+)+\b|\.(?:xlsx|csv|ics|png|pdf|jpe?g)\b")
LATIN = re.compile(r"[A-Za-z]{3,}")


def visible_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "template"]):
        hidden.decompose()
    # Wagtail's side panel counters render an empty count as "None" while hidden; its script
    # writes a number in before it shows one.
    for counter in soup.select("[hidden][data-side-panel-toggle-counter]"):
        counter.decompose()
    return soup.get_text(" ")


def english(html: str, allowed=ALLOWED) -> list[str]:
    """Every line a reader sees with a run of three or more Latin letters not allowed to stay."""
    text = visible_text(html)
    for kept in (EMAIL, ADDRESS, CODE):
        text = kept.sub(" ", text)
    lines = []
    for line in text.splitlines():
        runs = [run for run in LATIN.findall(line) if run not in allowed]
        if runs and line.strip() not in lines:
            lines.append(line.strip())
    return lines


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Everything `manage.py seed_demo` loads, once for the module, rolled back after it."""
    from groups.services import needs_load
    from portal import services
    from volunteers.services import skills_load

    with django_db_blocker.unblock(), transaction.atomic():
        services.reference_data_load()
        needs_load()
        skills_load()
        call_command("seed_demo", stdout=io.StringIO())
        yield SimpleNamespace(
            **{
                u.email.split("@")[0]: u
                for u in User.objects.filter(email__endswith="@demo.portal.cn")
            }
        )
        transaction.set_rollback(True)


def first_pk(model, **filters):
    return model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True).first()


def demo_paths(demo):
    """{role: [path, ...]} from the demo data."""
    from wagtail.models import Page

    from curriculum.models.pages import LessonPage
    from groups.models import CorrectionGroup, Membership
    from messaging.models import Conversation
    from partners.models import JobPlacement, Organisation, Referral
    from volunteers.models import Activity, VolunteerProfile

    group = (
        CorrectionGroup.objects.filter(
            memberships__user=demo.socialworker, memberships__left_at=None
        )
        .order_by("pk")
        .first()
    )
    profile = first_pk(VolunteerProfile, user=demo.volunteer)
    organisation = first_pk(Organisation, members__user=demo.partner)
    conversation = first_pk(Conversation, group=group)
    lesson = first_pk(LessonPage)
    assert None not in (group, profile, organisation, conversation, lesson)
    paths = {
        "anonymous": [
            "/",
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
            "/partners/jobs/",
        ],
        "volunteer": [
            "/me/",
            "/volunteers/profile/",
            "/volunteers/activities/",
            "/volunteers/activities/mine/",
            "/volunteers/hours/",
            "/messages/",
            "/messages/notifications/",
            "/messages/notifications/settings/",
            "/accounts/email/",
            "/accounts/password/change/",
            "/partners/affiliations/",
        ],
        "coordinator": [
            "/me/",
            "/groups/",
            f"/groups/{group.code}/",
            "/volunteers/queue/",
            "/volunteers/directory/",
            f"/volunteers/people/{profile}/",
            "/volunteers/hours/review/",
            "/groups/matching/",
            "/partners/verification/",
            "/partners/referrals/",
            "/staff/",
            "/alerts/",
            "/dashboard/",
            "/learning/report/",
            "/audit/",
        ],
        "socialworker": [
            "/me/",
            "/groups/mine/",
            f"/groups/{group.code}/",
            f"/learning/groups/{group.code}/",
            "/learning/sessions/",
            f"/messages/c/{conversation}/",
            f"/partners/groups/{group.code}/consents/",
            "/partners/referrals/",
        ],
        "partner": [
            "/me/",
            "/partners/jobs/",
            "/partners/programmes/",
            "/partners/mine/",
            f"/partners/organisations/{organisation}/",
            f"/partners/organisations/{organisation}/manage/",
            "/partners/referrals/",
        ],
        "learner": [
            "/me/",
            "/learning/mine/",
            "/learning/lessons/",
            Page.objects.get(pk=lesson).url,
        ],
        "editor": [
            "/admin/",
            "/admin/pages/",
            f"/admin/pages/{Page.objects.get(pk=lesson).get_parent().pk}/",
            f"/admin/pages/{lesson}/edit/",
            f"/admin/pages/{lesson}/history/",
            f"/admin/pages/{lesson}/revisions/compare/earliest...latest/",
            f"/admin/pages/add/curriculum/lessonpage/{Page.objects.get(pk=lesson).get_parent().pk}/",
            "/admin/images/",
            "/admin/images/multiple/add/",
            "/admin/documents/",
            "/admin/documents/multiple/add/",
            "/admin/account/",
        ],
    }
    referral = first_pk(Referral)
    if referral:
        paths["partner"].append(f"/partners/referrals/{referral}/")
    job = first_pk(JobPlacement)
    if job:
        paths["partner"].append(f"/partners/jobs/{job}/")
    activity = first_pk(Activity)
    if activity:
        paths["volunteer"].append(f"/volunteers/activities/{activity}/")
    del Membership
    return paths


def test_no_page_of_any_role_shows_english_to_a_chinese_reader(demo):
    found = {}
    for role, paths in demo_paths(demo).items():
        client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        if role != "anonymous":
            client.force_login(getattr(demo, role))
        for path in paths:
            response = client.get(path, follow=True)
            assert response.status_code == 200, (role, path, response.status_code)
            allowed = ALLOWED_IN_ADMIN if path.startswith("/admin/") else ALLOWED
            runs = english(response.content.decode(), allowed)
            if runs:
                found[f"{role} {path}"] = runs
    report = "\n".join(f"{page}:\n  " + "\n  ".join(lines) for page, lines in found.items())
    assert not found, report
