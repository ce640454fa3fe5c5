"""python manage.py search_index --rebuild [--kind K] | --check"""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search.documents import KINDS
from search.services import index_check, index_count, index_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from the database (behind the alias), or check it."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="rebuild the index")
        parser.add_argument("--check", action="store_true", help="report (and repair) drift")
        parser.add_argument("--kind", action="append", choices=sorted(KINDS), help="only this kind")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        kinds = options["kind"] or list(KINDS)
        if options["check"]:
            for kind, drift in index_check(repair=True).items():
                self.stdout.write(
                    f"{kind:<13} missing {drift['missing']}  stale {drift['stale']}  "
                    f"extra {drift['extra']}"
                )
            return
        if not options["rebuild"]:
            raise CommandError("Say what to do: --rebuild or --check.")
        total = sum(index_count(k) for k in kinds)
        with tqdm(total=total, unit="doc", disable=options["quiet"], file=self.stderr) as bar:
            counts = index_rebuild(kinds=kinds, progress=bar.update)
        for kind, count in counts.items():
            self.stdout.write(f"{kind:<13} {count} documents")
