"""Synthetic volunteers and social workers for `seed_scale`: accounts with profiles (most of
them approved, the rest waiting for vetting), skills, languages, regions served and
availability, written with bulk_create in batches; with `--members`, the open groups' members
(a lead from the judicial office's staff, volunteers and social workers within the gate's
rules)."""

import math
import random
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from tqdm import tqdm

from groups import rules
from groups.models import CorrectionGroup, Membership
from groups.selectors import places_counting_load
from portal.models import AccountKind, Region, User
from volunteers import identity, listing, serving
from volunteers.models import Language, Skill, VolunteerProfile, new_calendar_token
from volunteers.reference import PLEDGE_VERSION

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊洋艳勇军杰娟涛明超秀英华慧建国红梅"
BATCH = 2000
# Share of synthetic profiles in each status.
STATUSES = (
    (VolunteerProfile.Status.APPROVED, 0.8),
    (VolunteerProfile.Status.SUBMITTED, 0.15),
    (VolunteerProfile.Status.DRAFT, 0.05),
)


def add_arguments(parser) -> None:
    parser.add_argument("--volunteers", type=int, default=0)
    parser.add_argument("--social-workers", type=int, default=0)
    parser.add_argument(
        "--members",
        action="store_true",
        help="give every open group without members a lead and volunteers (after the people)",
    )


def run(options, *, rng: random.Random, bar: dict) -> None:
    for kind, key in (
        (AccountKind.VOLUNTEER, "volunteers"),
        (AccountKind.SOCIAL_WORKER, "social_workers"),
    ):
        if options[key]:
            with tqdm(total=options[key], desc=key, **bar) as progress:
                create_people(options[key], kind=kind, rng=rng, progress=progress)
    if options["members"]:
        with tqdm(desc="members", **bar) as progress:
            staff_groups(rng=rng, progress=progress)


def create_people(count: int, *, kind: str, rng: random.Random, progress=None, regions=None) -> int:
    """Create `count` accounts of `kind`, each with a profile serving one or two regions."""
    regions = list(regions or Region.objects.county_or_below().only("pk", "code"))
    skills = list(Skill.objects.values_list("pk", flat=True))
    languages = list(Language.objects.values_list("pk", flat=True))
    start = User.objects.count()
    now = timezone.now()
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        with transaction.atomic():
            users = User.objects.bulk_create(
                User(
                    email=f"{kind}.{start + done + i}@scale.example.cn",
                    display_name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
                    kind=kind,
                    password="!",  # noqa: S106 - unusable: synthetic people never log in
                )
                for i in range(size)
            )
            if users[0].pk is None:
                ids = dict(
                    User.objects.filter(email__in=[u.email for u in users]).values_list(
                        "email", "pk"
                    )
                )
                for user in users:
                    user.pk = ids[user.email]
            profiles = VolunteerProfile.objects.bulk_create(
                _profile(user, kind, start + done + i, rng, now) for i, user in enumerate(users)
            )
            if profiles[0].pk is None:
                ids = dict(
                    VolunteerProfile.objects.filter(user__in=users).values_list("user_id", "pk")
                )
                for profile in profiles:
                    profile.pk = ids[profile.user_id]
            _links(profiles, rng, regions=regions, skills=skills, languages=languages)
            serving.refresh(p.pk for p in profiles)  # bulk_create sends no signal
        done += size
        if progress:
            progress.update(size)
    listing.changed()  # bulk_create sends no signals: cached queue and directory lists go
    return done


def _profile(user, kind, serial, rng, now) -> VolunteerProfile:
    status = _weighted(rng, STATUSES)
    first17 = f"440106{1960 + serial % 40}{1 + serial % 12:02d}{1 + serial % 28:02d}"
    first17 += f"{serial % 1000:03d}"
    number = first17 + identity.check_char(first17)
    submitted = now - timezone.timedelta(days=rng.randint(0, 400))
    return VolunteerProfile(
        user=user,
        kind=kind,
        status=status,
        real_name=user.display_name,
        gender=rng.choice(("female", "male")),
        birth_year=int(number[6:10]),
        # Keyed on the serial, so synthetic hashes never collide with each other.
        id_hash=identity.id_hash(f"scale-{serial}"),
        id_masked=identity.id_masked(number),
        availability=rng.getrandbits(21),
        max_groups=rng.randint(1, 4),
        pledge_version=PLEDGE_VERSION,
        pledge_accepted_at=submitted,
        submitted_at=submitted if status != VolunteerProfile.Status.DRAFT else None,
        decided_at=submitted if status == VolunteerProfile.Status.APPROVED else None,
        decision_emailed_at=submitted if status == VolunteerProfile.Status.APPROVED else None,
        calendar_token=new_calendar_token(),
        qualification=rng.choice(VolunteerProfile.Qualification.values)
        if kind == AccountKind.SOCIAL_WORKER
        else "",
    )


def _links(profiles, rng, *, regions, skills, languages) -> None:
    through = VolunteerProfile
    through.skills.through.objects.bulk_create(
        through.skills.through(volunteerprofile_id=p.pk, skill_id=s)
        for p in profiles
        for s in rng.sample(skills, min(len(skills), rng.randint(1, 3)))
    )
    through.languages.through.objects.bulk_create(
        through.languages.through(volunteerprofile_id=p.pk, language_id=s)
        for p in profiles
        for s in rng.sample(languages, min(len(languages), rng.randint(1, 2)))
    )
    through.regions.through.objects.bulk_create(
        through.regions.through(volunteerprofile_id=p.pk, region_id=r.pk)
        for p in profiles
        for r in rng.sample(regions, min(len(regions), rng.randint(1, 2)))
    )


# Leads per judicial office, and the share of open groups with one, two or three volunteers
# (the rest have none yet), and with a social worker.
STAFF_PER_OFFICE = 5
VOLUNTEERS_PER_GROUP = ((0, 0.2), (1, 0.5), (2, 0.2), (3, 0.1))
SOCIAL_WORKER_SHARE = 0.15


def staff_groups(*, rng: random.Random, progress=None) -> int:
    """Members for every open group that has none: a lead among its judicial office's staff
    (accounts made here, STAFF_PER_OFFICE an office: at province scale social workers are far
    too few to lead every group), volunteers and a social worker for some. Each person is
    chosen by the gate's own rules (groups.rules: serving the office's region, cleared for a
    juvenile group, approved and within capacity), and takes at most half of their
    max_groups, so most keep room for the suggestions a coordinator works through. Written in
    bulk, without the services' audit: these rows carry no history. Returns the memberships
    made."""
    groups = list(
        CorrectionGroup.objects.filter(status=CorrectionGroup.Status.ACTIVE)
        .exclude(Exists(Membership.objects.filter(group=OuterRef("pk"), left_at__isnull=True)))
        .values_list("pk", "judicial_office_id", "judicial_office__path", "is_juvenile")
    )
    if not groups:
        return 0
    leads = _office_staff({office for _pk, office, _path, _juvenile in groups}, rng)
    people = _people_by_path()
    around = {}  # (office path, kind) -> the people serving the office or a region above it
    rows = []
    for pk, office, path, juvenile in groups:
        lead = rng.choice(leads[office])
        rows.append(
            Membership(group_id=pk, user_id=lead, role=Membership.Role.LEAD, added_by_id=lead)
        )
        wanted = [(AccountKind.VOLUNTEER, Membership.Role.VOLUNTEER)] * _weighted(
            rng, VOLUNTEERS_PER_GROUP
        )
        if rng.random() < SOCIAL_WORKER_SHARE:
            wanted.append((AccountKind.SOCIAL_WORKER, Membership.Role.SOCIAL_WORKER))
        chosen = set()
        for kind, role in wanted:
            if (path, kind) not in around:
                around[path, kind] = [
                    person
                    for end in range(Region.steplen, len(path) + 1, Region.steplen)
                    for person in people.get(path[:end], ())
                    if person["kind"] == kind
                ]
            person = _pick(around[path, kind], path, juvenile, chosen, rng)
            if person is not None:
                chosen.add(person["user"])
                person["load"] += 1
                rows.append(
                    Membership(group_id=pk, user_id=person["user"], role=role, added_by_id=lead)
                )
    with transaction.atomic():
        Membership.objects.bulk_create(rows, batch_size=BATCH)
    if progress is not None:
        progress.update(len(rows))
    return len(rows)


def _weighted(rng: random.Random, shares):
    """One of the values of `shares` ((value, share), shares adding up to 1), by its share."""
    roll = rng.random()
    for value, share in shares:
        if roll < share:
            return value
        roll -= share
    return shares[-1][0]


def _office_staff(offices: set[int], rng: random.Random) -> dict[int, list[int]]:
    """{office id: user ids of its staff}, the accounts made for it (kept when run again)."""
    codes = dict(Region.objects.filter(pk__in=offices).values_list("pk", "code"))
    wanted = {
        f"staff.{codes[office]}.{i}@scale.example.cn": office
        for office in offices
        for i in range(STAFF_PER_OFFICE)
    }
    have = set(User.objects.filter(email__in=wanted).values_list("email", flat=True))
    User.objects.bulk_create(
        User(
            email=email,
            display_name="司法所" + rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
            kind=AccountKind.STAFF,
            password="!",  # noqa: S106 - unusable: synthetic people never log in
        )
        for email in sorted(set(wanted) - have)
    )
    staff = defaultdict(list)
    for email, pk in User.objects.filter(email__in=wanted).values_list("email", "pk"):
        staff[wanted[email]].append(pk)
    return staff


def _people_by_path() -> dict[str, list[dict]]:
    """The approved people who may still join a group, under each region path they serve."""
    # Counted by the database: a province holds some 100,000 places.
    loads = defaultdict(
        int,
        places_counting_load()
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n"),
    )
    people = {}
    for user_id, kind, most, cleared in VolunteerProfile.objects.filter(
        status=VolunteerProfile.Status.APPROVED, user__is_active=True
    ).values_list("user_id", "kind", "max_groups", "cleared_for_juveniles"):
        people[user_id] = {
            "user": user_id,
            "kind": kind,
            "load": loads[user_id],
            "places": math.ceil(most / 2),  # half of max_groups: room is left for matching
            "cleared": cleared,
            "paths": [],
        }
    by_path = defaultdict(list)
    # By the same conditions, not by the ids: tens of thousands of them would pass SQLite's
    # limit on a statement's parameters.
    for user_id, path in VolunteerProfile.regions.through.objects.filter(
        volunteerprofile__status=VolunteerProfile.Status.APPROVED,
        volunteerprofile__user__is_active=True,
    ).values_list("volunteerprofile__user_id", "region__path"):
        if user_id in people:
            people[user_id]["paths"].append(path)
            by_path[path].append(people[user_id])
    return by_path


def _pick(around, office_path, juvenile, chosen, rng, tries=8):
    """One of `around` the gate's rules let into the group, or None after a few tries."""
    for _ in range(tries if around else 0):
        person = rng.choice(around)
        if person["user"] in chosen:
            continue
        refused = (
            rules.capacity_refusal(load=person["load"], max_groups=person["places"])
            or rules.region_refusal(person["paths"], office_path)
            or rules.juvenile_refusal(is_juvenile=juvenile, cleared=person["cleared"])
        )
        if refused is None:
            return person
    return None
