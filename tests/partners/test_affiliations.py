"""Affiliations through the services: the person asks, the owner confirms or declines, either
side ends; refusals say why in Chinese and write nothing; the old free-text agency names become
suggestions; a profile that leaves ends its affiliations."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from messaging.models import Notification
from partners import services
from partners.models import Affiliation, Organisation
from partners.names import normalise_name, suggest_from_agency_names
from partners.services.affiliations import MAX_OPEN
from portal import changes
from portal.models import AuditEvent
from tests.partners import affiliation_world
from tests.partners import factories as pf
from tests.volunteers import factories as vf
from volunteers.models import VolunteerProfile


@pytest.fixture
def world(regions, reference_data):
    return affiliation_world.build(regions)


def ask(world, organisation=None, profile=None):
    profile = profile or world.profile
    return services.affiliation_request(
        profile=profile, organisation=organisation or world.agency, requested_by=profile.user
    )


def test_the_person_asks_and_the_owners_are_told(world):
    affiliation = ask(world)
    assert affiliation.status == Affiliation.Status.REQUESTED and affiliation.requested_at
    told = Notification.objects.get(kind="partners.affiliation_requested")
    assert told.user == world.owner and "张晓明" in told.title
    assert not Notification.objects.filter(user=world.member, kind__startswith="partners.aff")
    event = AuditEvent.objects.get(action="affiliation.requested")
    assert event.actor == world.volunteer and event.data["profile"] == world.profile.pk


def test_the_owner_confirms_and_the_person_is_told(world):
    affiliation = services.affiliation_decide(
        affiliation=ask(world), confirm=True, decided_by=world.owner
    )
    assert affiliation.status == Affiliation.Status.CONFIRMED
    assert affiliation.decided_by == world.owner
    told = Notification.objects.get(user=world.volunteer, kind="partners.affiliation_decision")
    assert told.title == f"{affiliation_world.AGENCY}已确认您的关联"
    assert AuditEvent.objects.filter(action="affiliation.confirmed").count() == 1


def test_the_owner_declines_and_the_person_may_ask_again(world):
    services.affiliation_decide(affiliation=ask(world), confirm=False, decided_by=world.owner)
    assert Notification.objects.get(user=world.volunteer).title.endswith("拒绝了您的关联申请")
    again = ask(world)
    assert again.status == Affiliation.Status.REQUESTED
    assert world.profile.affiliations.count() == 2


def refused(call, match):
    """The call is refused with this Chinese reason and writes nothing."""
    before = (Affiliation.objects.count(), AuditEvent.objects.count(), Notification.objects.count())
    statuses = list(Affiliation.objects.order_by("pk").values_list("status", flat=True))
    with pytest.raises(ValidationError, match=match):
        call()
    after = (Affiliation.objects.count(), AuditEvent.objects.count(), Notification.objects.count())
    assert after == before
    assert list(Affiliation.objects.order_by("pk").values_list("status", flat=True)) == statuses


def test_requests_that_make_no_sense_are_refused_in_words(world):
    enterprise = pf.organisation(world.owner, verifier=world.coordinator, name="粤新制造")
    unverified = pf.organisation(
        world.other_owner, verified=False, kind=Organisation.Kind.AGENCY, name="未核验社工站"
    )
    refused(lambda: ask(world, enterprise), "请选择已核验的社工机构、高校或协会")
    refused(lambda: ask(world, unverified), "请选择已核验的社工机构、高校或协会")
    refused(
        lambda: services.affiliation_request(
            profile=world.profile, organisation=world.agency, requested_by=world.social_worker
        ),
        "只有本人可以申请关联",
    )
    ask(world)
    refused(lambda: ask(world), "您已向.*提出申请，请等待答复")
    services.affiliation_decide(
        affiliation=world.profile.affiliations.get(), confirm=True, decided_by=world.owner
    )
    refused(lambda: ask(world), "您已与.*关联")


def test_a_profile_that_left_cannot_ask(world):
    VolunteerProfile.objects.filter(pk=world.profile.pk).update(status=VolunteerProfile.Status.LEFT)
    refused(lambda: ask(world), "该档案已退出平台")


def test_one_person_holds_at_most_a_few_affiliations_and_requests(world):
    for n in range(MAX_OPEN):
        org = pf.organisation(
            world.other_owner, verifier=world.coordinator, kind="agency", name=f"社工站{n}"
        )
        ask(world, org)
    one_more = pf.organisation(
        world.other_owner, verifier=world.coordinator, kind="agency", name="社工站六"
    )
    refused(lambda: ask(world, one_more), f"最多同时保留{MAX_OPEN}个关联和申请")


def test_only_the_owners_decide_and_only_once(world):
    affiliation = ask(world)
    for person in (world.member, world.other_owner, world.coordinator, world.volunteer):
        refused(
            lambda person=person: services.affiliation_decide(
                affiliation=affiliation, confirm=True, decided_by=person
            ),
            "只有机构负责人可以处理关联申请",
        )
    services.affiliation_decide(affiliation=affiliation, confirm=True, decided_by=world.owner)
    refused(
        lambda: services.affiliation_decide(
            affiliation=affiliation, confirm=False, decided_by=world.owner
        ),
        "该申请已处理或已撤回",
    )


def test_an_admin_may_decide(world):
    affiliation = services.affiliation_decide(
        affiliation=ask(world), confirm=True, decided_by=world.admin
    )
    assert affiliation.status == Affiliation.Status.CONFIRMED


def test_the_person_withdraws_and_ends_and_the_owner_ends_a_confirmed_one(world):
    withdrawn = services.affiliation_end(affiliation=ask(world), ended_by=world.volunteer)
    assert withdrawn.status == Affiliation.Status.ENDED
    assert not Notification.objects.filter(kind="partners.affiliation_ended").exists()

    left = services.affiliation_end(
        affiliation=affiliation_world.confirmed(world), ended_by=world.volunteer
    )
    assert left.status == Affiliation.Status.ENDED and left.ended_by == world.volunteer
    assert Notification.objects.get(kind="partners.affiliation_ended").user == world.owner

    ended = services.affiliation_end(
        affiliation=affiliation_world.confirmed(world), ended_by=world.owner
    )
    assert ended.ended_by == world.owner
    assert Notification.objects.filter(
        kind="partners.affiliation_ended", user=world.volunteer
    ).exists()
    assert AuditEvent.objects.filter(action="affiliation.ended").count() == 3


def test_the_owner_cannot_end_a_request_nor_anyone_else_an_affiliation(world):
    affiliation = ask(world)
    refused(
        lambda: services.affiliation_end(affiliation=affiliation, ended_by=world.owner),
        "该关联已结束",
    )
    refused(
        lambda: services.affiliation_end(affiliation=affiliation, ended_by=world.social_worker),
        "只有机构负责人可以处理关联申请",
    )


# --- the free-text agency names -----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "matches"),
    [
        (affiliation_world.AGENCY, True),
        ("  广州市天河区 启明社会工作服务中心 ", True),
        ("广州市天河区启明社会工作服务中心。", True),
        ("广州市天河区启明社工", False),
        ("", False),
    ],
)
def test_names_compare_without_spaces_punctuation_or_width(typed, matches):
    assert (normalise_name(typed) == normalise_name(affiliation_world.AGENCY)) is matches
    assert normalise_name("Ｈｏｐｅ（希望）社工") == normalise_name("hope(希望)社工")


def suggest():
    from volunteers.models import VolunteerProfile as Profile

    return suggest_from_agency_names(
        organisation_model=Organisation, profile_model=Profile, affiliation_model=Affiliation
    )


def name_agency(profile, text):
    """What a profile held before affiliations existed (the form still offers the field)."""
    VolunteerProfile.objects.filter(pk=profile.pk).update(agency_name=text)
    return profile


def test_agency_names_become_suggestions_the_person_confirms_or_dismisses(world):
    VolunteerProfile.objects.filter(pk=world.profile.pk).update(
        agency_name=" 广州市天河区启明社会工作服务中心（）"
    )
    VolunteerProfile.objects.filter(pk=world.sw_profile.pk).update(agency_name="华南师范大学")
    other = vf.profile(real_name="赵磊")
    VolunteerProfile.objects.filter(pk=other.pk).update(agency_name="不存在的机构")
    gone = vf.profile(real_name="钱多", status=VolunteerProfile.Status.LEFT)
    VolunteerProfile.objects.filter(pk=gone.pk).update(agency_name=affiliation_world.AGENCY)

    assert suggest() == 2
    assert suggest() == 0  # running again adds nothing
    mine = world.profile.affiliations.get()
    assert (mine.organisation, mine.status) == (world.agency, Affiliation.Status.SUGGESTED)
    assert mine.suggested_from.strip().startswith("广州市天河区")
    assert world.sw_profile.affiliations.get().organisation == world.university
    assert not other.affiliations.exists() and not gone.affiliations.exists()
    # The text stays on the profile.
    assert VolunteerProfile.objects.get(pk=world.profile.pk).agency_name

    confirmed = ask(world)
    assert confirmed.pk == mine.pk and confirmed.status == Affiliation.Status.REQUESTED
    dismissed = services.affiliation_end(
        affiliation=world.sw_profile.affiliations.get(), ended_by=world.social_worker
    )
    assert dismissed.status == Affiliation.Status.ENDED


def test_unverified_organisations_and_enterprises_are_never_suggested(world):
    pf.organisation(world.other_owner, verified=False, kind="agency", name="待核验社工站")
    pf.organisation(world.other_owner, verifier=world.coordinator, name="粤新制造有限公司")
    for text in ("待核验社工站", "粤新制造有限公司"):
        name_agency(world.profile, text)
        assert suggest() == 0


# --- leaving --------------------------------------------------------------------------------


def test_a_profile_announced_as_left_ends_its_affiliations(
    world, django_capture_on_commit_callbacks
):
    affiliation_world.confirmed(world)
    ask(world, world.university)
    kept = affiliation_world.confirmed(world, profile=world.sw_profile)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        VolunteerProfile.objects.filter(pk=world.profile.pk).update(
            status=VolunteerProfile.Status.LEFT
        )
        changes.announce(
            "volunteers.VolunteerProfile", [world.profile.pk, world.sw_profile.pk], what={"left"}
        )
    statuses = set(world.profile.affiliations.values_list("status", flat=True))
    assert statuses == {Affiliation.Status.ENDED}
    kept.refresh_from_db()
    assert kept.status == Affiliation.Status.CONFIRMED  # announced, but did not leave
