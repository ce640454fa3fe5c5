"""python manage.py backup_verify DIR --database URL: restore a backup into an empty database
and check it is complete (row counts per table, the sampled files)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_verify


class Command(BaseCommand):
    help = (
        "Restore the backup in DIR into the EMPTY database at --database (never the portal's "
        "own) and the files into --files (a temporary folder by default); compare with the "
        "manifest. Exits with an error when anything is missing or differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--database", required=True, help="postgres://... of an empty database")
        parser.add_argument("--files", type=Path, help="where to restore the files")

    def handle(self, *args, directory, database, files, **options):
        try:
            result = backup_verify(directory, database=database, files_into=files)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for problem in result.problems:
            self.stderr.write(problem)
        self.stdout.write(
            f"tables: {result.tables} checked ({result.rows} rows); "
            f"files: {result.files_sampled} sampled; problems: {len(result.problems)}"
        )
        if not result.ok:
            raise CommandError("The restore is not complete.")
