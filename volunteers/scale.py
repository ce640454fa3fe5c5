"""Synthetic volunteers and social workers for `seed_scale`: accounts with profiles (most of
them approved, the rest waiting for vetting), skills, languages, regions served and
availability, written with bulk_create in batches."""

import random

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from portal.models import AccountKind, Region, User
from volunteers import identity, listing
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


def run(options, *, rng: random.Random, bar: dict) -> None:
    for kind, key in (
        (AccountKind.VOLUNTEER, "volunteers"),
        (AccountKind.SOCIAL_WORKER, "social_workers"),
    ):
        if options[key]:
            with tqdm(total=options[key], desc=key, **bar) as progress:
                create_people(options[key], kind=kind, rng=rng, progress=progress)


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
        done += size
        if progress:
            progress.update(size)
    listing.changed()  # bulk_create sends no signals: cached queue and directory lists go
    return done


def _profile(user, kind, serial, rng, now) -> VolunteerProfile:
    roll, status = rng.random(), VolunteerProfile.Status.DRAFT
    for candidate, share in STATUSES:
        if roll < share:
            status = candidate
            break
        roll -= share
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
