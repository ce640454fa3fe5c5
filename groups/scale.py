"""Synthetic correction groups in bulk, for `seed_scale`, benchmarks and query-count tests.

Written with bulk_create in batches rather than through the services: 50,000 groups through
group_create would take many minutes, and these rows carry no real history to audit.
"""

import random
from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from groups import codes
from groups.models import (
    CorrectionGroup,
    GroupNeed,
    Need,
    SentenceType,
    Stage,
    SupervisionLevel,
)
from portal.models import OffenceCategory, Region

BATCH = 2000


def create_groups(count: int, *, rng: random.Random, progress=None, offices=None) -> int:
    """Create `count` groups spread over the judicial offices (all of them by default)."""
    offices = list(offices or Region.objects.filter(depth=Region.Level.JUDICIAL_OFFICE))
    if not offices:
        raise ValueError("Load regions first (seed_demo does).")
    offences = list(OffenceCategory.objects.all())
    needs = list(Need.objects.all())
    today = timezone.localdate()
    year = today.year
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        picked = [rng.choice(offices) for _ in range(size)]
        by_prefix = defaultdict(list)
        for i, office in enumerate(picked):
            by_prefix[codes.code_prefix(office, year)].append(i)
        code_of = {}
        with transaction.atomic():
            for prefix, indexes in by_prefix.items():
                for i, number in zip(
                    indexes, codes.reserve_numbers(prefix, len(indexes)), strict=True
                ):
                    code_of[i] = codes.format_code(prefix, number)
            groups = []
            for i, office in enumerate(picked):
                start = today - timedelta(days=rng.randint(0, 700))
                groups.append(
                    CorrectionGroup(
                        code=code_of[i],
                        judicial_office=office,
                        stage=rng.choice(Stage.values[:2]),
                        supervision_level=rng.choice(SupervisionLevel.values),
                        offence=rng.choice(offences),
                        sentence_type=rng.choice(SentenceType.values),
                        start_date=start,
                        planned_end_date=start + timedelta(days=rng.randint(180, 1100)),
                        is_juvenile=rng.random() < 0.05,
                    )
                )
            CorrectionGroup.objects.bulk_create(groups, batch_size=500)
            if not groups[0].pk:  # backends that do not return ids (none we use today)
                groups = list(CorrectionGroup.objects.filter(code__in=code_of.values()))
            GroupNeed.objects.bulk_create(
                (
                    GroupNeed(group=group, need=need, priority=rng.randint(1, 3))
                    for group in groups
                    for need in rng.sample(needs, rng.randint(1, 3))
                ),
                batch_size=2000,
            )
        done += size
        if progress:
            progress.update(size)
    return done


def add_arguments(parser) -> None:
    parser.add_argument("--groups", type=int, default=0, help="correction groups to create")


def run(options, *, rng: random.Random, bar: dict) -> None:
    from tqdm import tqdm

    from groups.services import needs_load

    needs_load()
    if options["groups"]:
        with tqdm(total=options["groups"], desc="groups", **bar) as progress:
            create_groups(options["groups"], rng=rng, progress=progress)
