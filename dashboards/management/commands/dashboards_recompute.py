"""Count the dashboard figures again and report the drift repaired:

python manage.py dashboards_recompute           every month of the history (the nightly job)
python manage.py dashboards_recompute --recent  the current and previous month (beat's job)
"""

from django.core.management.base import BaseCommand

from dashboards.services import figures_recompute_all, figures_recompute_recent


class Command(BaseCommand):
    help = "Recount the dashboard figures and print how many stored cells differed (the drift)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--recent", action="store_true", help="only the current and previous month"
        )

    def handle(self, *args, **options):
        result = figures_recompute_recent() if options["recent"] else figures_recompute_all()
        for name, changed in result.changed.items():
            self.stdout.write(f"{name:<24}{changed:>8} cells differed")
        self.stdout.write(
            f"{result.total} cells repaired over {result.months} months in {result.seconds:.1f} s."
        )
