"""Synthetic Chinese data at any scale, with a progress bar:

    python manage.py seed_scale --groups 50000 --volunteers 60000

Regions and reference data come from the demo tree (loaded if missing). Each app adds its
own kind of data here as it lands.
"""

import random

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from portal import services
from portal.demo.regions import REGIONS
from portal.models import AccountKind, User

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊洋艳勇军杰娟涛明超秀英华慧建国红梅"


class Command(BaseCommand):
    help = "Create synthetic groups and people at any scale (with a progress bar)."

    def add_arguments(self, parser):
        parser.add_argument("--groups", type=int, default=0)
        parser.add_argument("--volunteers", type=int, default=0)
        parser.add_argument("--social-workers", type=int, default=0)
        parser.add_argument("--seed", type=int, default=2026, help="random seed (repeatable data)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        counts = [options[k] for k in ("groups", "volunteers", "social_workers")]
        if any(n < 0 for n in counts):
            raise CommandError("Counts cannot be negative.")
        rng = random.Random(options["seed"])
        services.region_tree_load(tree=REGIONS)
        services.reference_data_load()
        from groups.scale import create_groups
        from groups.services import needs_load

        needs_load()
        bar = {"disable": options["quiet"], "unit": "rows"}
        if options["groups"]:
            with tqdm(total=options["groups"], desc="groups", **bar) as progress:
                create_groups(options["groups"], rng=rng, progress=progress)
        for kind, key in (
            (AccountKind.VOLUNTEER, "volunteers"),
            (AccountKind.SOCIAL_WORKER, "social_workers"),
        ):
            if options[key]:
                with tqdm(total=options[key], desc=key, **bar) as progress:
                    create_people(options[key], kind=kind, rng=rng, progress=progress)
        self.stdout.write(self.style.SUCCESS("Done."))


def create_people(count: int, *, kind: str, rng: random.Random, progress=None) -> None:
    """Accounts only (unusable passwords); profiles come with the volunteers app."""
    start = User.objects.count()
    for offset in range(0, count, 2000):
        batch = [
            User(
                email=f"{kind}.{start + offset + i}@scale.example.cn",
                display_name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
                kind=kind,
                password="!",  # noqa: S106 - unusable: synthetic people never log in
            )
            for i in range(min(2000, count - offset))
        ]
        User.objects.bulk_create(batch)
        if progress:
            progress.update(len(batch))
