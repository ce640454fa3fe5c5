"""Synthetic volunteers and social workers for `seed_scale` (accounts for now; the volunteers
app adds profiles, skills and availability here)."""

import random

from tqdm import tqdm

from portal.models import AccountKind, User

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊洋艳勇军杰娟涛明超秀英华慧建国红梅"


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


def create_people(count: int, *, kind: str, rng: random.Random, progress=None) -> None:
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
