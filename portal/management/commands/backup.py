"""python manage.py backup DIR: the database and the uploaded files, with a manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import SAMPLE, BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, custom format) and MEDIA_ROOT and PRIVATE_MEDIA_ROOT "
        "(one tar) into DIR, with a manifest of row counts per table and a sample of file hashes."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="a new or empty folder")
        parser.add_argument("--sample", type=int, default=SAMPLE, help="files to hash")

    def handle(self, *args, directory, sample, **options):
        try:
            manifest = backup_create(directory, sample=sample)
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = manifest["database"]["tables"]
        files = manifest["files"]
        self.stdout.write(
            f"database: {len(tables)} tables, {sum(tables.values())} rows\n"
            f"files: {files['count']} ({files['bytes']} bytes), {len(files['sample'])} hashed\n"
            f"written to {directory}"
        )
