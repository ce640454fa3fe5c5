"""Synthetic Chinese data at any scale, with a progress bar:

    python manage.py seed_scale --groups 50000 --volunteers 60000

Regions and reference data come from the demo tree (loaded if missing). Each app adds its own
options and data through its scale.py (portal.registry), in dependency order.
"""

import random

from django.core.management.base import BaseCommand, CommandError

from portal import services
from portal.demo_regions import REGIONS
from portal.registry import app_modules


class Command(BaseCommand):
    help = "Create synthetic groups, people and partners at any scale (with a progress bar)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed (repeatable data)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        for module in app_modules("scale"):
            module.add_arguments(parser)

    def handle(self, *args, **options):
        counts = {k: v for k, v in options.items() if isinstance(v, int) and k != "seed"}
        negative = [k for k, v in counts.items() if v < 0 and k != "verbosity"]
        if negative:
            raise CommandError(f"Counts cannot be negative: {', '.join(negative)}.")
        rng = random.Random(options["seed"])
        services.region_tree_load(tree=REGIONS)
        services.reference_data_load()
        bar = {"disable": options["quiet"], "unit": "rows"}
        for module in app_modules("scale"):
            module.run(options, rng=rng, bar=bar)
        self.stdout.write(self.style.SUCCESS("Done."))
