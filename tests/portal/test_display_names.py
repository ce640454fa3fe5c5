"""Display names have one form and cannot hide or reorder text: normalised (NFKC, spaces
collapsed) and refused with control, bidirectional or zero-width characters, wherever a name is
typed (sign-up, a coordinator naming a learner, staff invitations)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from portal.models import User
from tests import factories

SIGNUP = {
    "kind": "volunteer",
    "email": "wang.xiaohong@example.cn",
    "password1": "Zhiyuan-Mima-2026!",
    "password2": "Zhiyuan-Mima-2026!",
}
HIDING = [
    "刘芳\u202e（社工）",  # right-to-left override: shows the rest reversed
    "刘\u200b芳",  # zero-width space: looks like another member's name
    "刘芳\u2066",  # left-to-right isolate
    "王小红\x07",  # a control character
    "王\n小红",
]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.mark.parametrize("name", HIDING)
def test_sign_up_refuses_a_name_that_hides_or_reorders_text(client, db, name):
    response = client.post("/accounts/signup/", {**SIGNUP, "display_name": name})
    assert response.status_code == 200
    assert "display_name" in response.context["form"].errors
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


def test_sign_up_keeps_one_form_of_a_name(client, db):
    client.post("/accounts/signup/", {**SIGNUP, "display_name": "  ＡＢＣ   王小红 "})
    assert User.objects.get(email=SIGNUP["email"]).display_name == "ABC 王小红"


@pytest.mark.parametrize("name", HIDING[:2])
def test_a_learner_s_name_is_checked_too(client_for, regions, reference_data, name):
    from groups.services import group_create
    from tests.groups.conftest import group_data

    coordinator = factories.coordinator(regions["440106"])
    group = group_create(data=group_data(regions), created_by=coordinator)
    response = client_for(coordinator).post(
        reverse("groups:learner", args=[group.code]), {"display_name": name}
    )
    assert response.status_code == 200
    assert not User.objects.filter(kind="learner").exists()


def test_a_staff_invitation_checks_the_name(client_for, regions):
    admin = factories.AdminFactory()
    response = client_for(admin).post(
        reverse("staff:invite"),
        {
            "email": "li.ming@example.cn",
            "display_name": "李明\u202e",
            "role": "coordinator",
            "region": regions["440106"].pk,
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="li.ming@example.cn").exists()
