"""python manage.py regions_load FILE [--apply]: check a region file and report what it would
change (new, renamed, moved, retired); with --apply, apply it in the same transaction."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from portal.region_import.services import region_import_load


def _bar(what: str, total: int | None):
    return tqdm(desc=str(what), total=total, unit=" rows", leave=False, mininterval=0.5)


class Command(BaseCommand):
    help = (
        "Check a region file (CSV, CSV.gz or .xlsx: code,name,parent_code,level); --apply loads it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--apply", action="store_true", help="apply the changes (without it: a dry run)"
        )
        parser.add_argument("--quiet-progress", action="store_true", help="no progress bars")

    def handle(self, *args, file: Path, apply: bool, quiet_progress: bool, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        started = time.monotonic()
        with open(file, "rb") as f:
            report = region_import_load(
                file=f,
                file_name=file.name,
                apply=apply,
                applied_by=None,
                progress=(lambda what, total: _NoBar()) if quiet_progress else _bar,
            )
        seconds = time.monotonic() - started
        self._print(report)
        if not report.ok:
            raise CommandError("The file was refused; nothing was written.")
        done = "Applied" if apply else "Dry run (nothing written; --apply to load)"
        self.stdout.write(f"{done}: {report.rows} rows in {seconds:.1f} s.")

    def _print(self, report) -> None:
        if report.file_error:
            row = f"row {report.file_error_row}: " if report.file_error_row else ""
            self.stderr.write(f"{row}{report.file_error}")
        for error in report.sorted_errors():
            self.stderr.write(f"row {error['row']} {error['code']}: {error['message']}")
        if report.error_count > len(report.errors):
            self.stderr.write(f"... {report.error_count - len(report.errors)} more")
        levels = ", ".join(f"{label} {count}" for label, count in report.level_counts())
        self.stdout.write(f"{report.rows} rows: {levels}")
        for category, count in report.counts.items():
            self.stdout.write(f"{category}: {count}")
            for example in report.examples[category]:
                was = f" (was {example['was']}" if "was" in example else ""
                now = f", now under {example['now']}" if "now" in example else ""
                self.stdout.write(
                    f"  {example['code']} {example['name']}{was}{now}{')' if was else ''}"
                )


class _NoBar:
    def update(self, n=1):
        pass

    def close(self):
        pass
