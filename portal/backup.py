"""Backups the operator can trust: the database (pg_dump, custom format) and the uploaded files
(MEDIA_ROOT and PRIVATE_MEDIA_ROOT in one tar), with a manifest that says what a complete
restore must contain: the row count of every table, read in the very snapshot pg_dump saves,
and the SHA-256 of a sample of the files. `verify` restores into an empty database and checks
both; `python manage.py backup DIR` and `backup_verify DIR --database URL` call these.
"""

import hashlib
import json
import random
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import psycopg
from django.conf import settings
from django.utils import timezone

DUMP, FILES, MANIFEST = "database.dump", "files.tar", "manifest.json"
SAMPLE = 50  # files whose hash the manifest keeps; enough to catch a truncated or wrong tar
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup that cannot be made, or a restore that does not match its manifest."""


def database_url() -> str:
    """The portal's database as a libpq URL (pg_dump and pg_restore take it as --dbname)."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("Backups need PostgreSQL (with SQLite, copy the database file).")
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgresql://{user}{password}@{host}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


def _place(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    return (parts.hostname or "127.0.0.1", str(parts.port or 5432), unquote(parts.path[1:]))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)  # noqa: S603 - fixed argv
    if done.returncode:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _row_counts(cursor) -> dict[str, int]:
    cursor.execute(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables"
        " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
    )
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - quoted by PostgreSQL
        counts[table] = cursor.fetchone()[0]
    return counts


# ---------------------------------------------------------------------------
# Making a backup
# ---------------------------------------------------------------------------


def media_roots() -> dict[str, Path]:
    """The folders of uploaded files, by the name they carry inside the tar."""
    return {"media": Path(settings.MEDIA_ROOT), "private_media": Path(settings.PRIVATE_MEDIA_ROOT)}


def _dump_database(target: Path) -> dict[str, int]:
    """pg_dump in the snapshot where the rows are counted: the counts describe the dump exactly,
    however busy the portal is meanwhile."""
    url = database_url()
    with psycopg.connect(url, autocommit=False) as conn, conn.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _row_counts(cursor)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
              f"--snapshot={snapshot}", f"--file={target}", f"--dbname={url}"])  # fmt: skip
    return counts


def _tar_files(target: Path, *, sample: int) -> dict:
    """Every uploaded file into one tar; the SHA-256 of a random sample of them."""
    found = [
        (name, path)
        for name, root in media_roots().items()
        if root.is_dir()
        for path in sorted(p for p in root.rglob("*") if p.is_file())
    ]
    sampled = set(random.sample(range(len(found)), min(sample, len(found))))
    hashes, size = {}, 0
    with tarfile.open(target, "w") as tar:
        for index, (name, path) in enumerate(found):
            arcname = f"{name}/{path.relative_to(media_roots()[name]).as_posix()}"
            tar.add(path, arcname=arcname, recursive=False)
            size += path.stat().st_size
            if index in sampled:
                hashes[arcname] = _sha256(path)
    return {"count": len(found), "bytes": size, "sample": hashes}


def backup_create(directory: Path, *, sample: int = SAMPLE) -> dict:
    """Write database.dump, files.tar and manifest.json into `directory` (new or empty)."""
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: give each backup a folder of its own.")
    started = timezone.now()
    tables = _dump_database(directory / DUMP)
    files = _tar_files(directory / FILES, sample=sample)
    manifest = {
        "format": 1,
        "created_at": started.isoformat(),
        "database": {"name": settings.DATABASES["default"]["NAME"], "tables": tables},
        "files": files,
        "sha256": {name: _sha256(directory / name) for name in (DUMP, FILES)},
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


# ---------------------------------------------------------------------------
# Checking a restore
# ---------------------------------------------------------------------------


@dataclass
class Verification:
    tables: int = 0
    rows: int = 0
    files_sampled: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _refuse_live_or_used(url: str) -> None:
    on_postgres = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    if on_postgres and _place(url) == _place(database_url()):
        raise BackupError("That is the portal's own database: restore into another one.")
    with psycopg.connect(url) as conn:
        used = conn.execute(
            "SELECT count(*) FROM pg_tables"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        ).fetchone()[0]
    if used:
        raise BackupError("The database to restore into must be empty (createdb a new one).")


def backup_verify(directory: Path, *, database: str, files_into: Path | None = None):
    """Restore the backup in `directory` into the empty database at `database` and the files
    into `files_into` (a temporary folder unless given), then compare both with the manifest."""
    manifest = json.loads((directory / MANIFEST).read_text())
    result = Verification()
    for name, expected in manifest["sha256"].items():
        if _sha256(directory / name) != expected:
            result.problems.append(f"{name} is damaged: its SHA-256 is not the manifest's")
    if result.problems:
        return result
    _refuse_live_or_used(database)
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
          f"--dbname={database}", str(directory / DUMP)])  # fmt: skip
    with psycopg.connect(database) as conn, conn.cursor() as cursor:
        restored = _row_counts(cursor)
    for table, count in manifest["database"]["tables"].items():
        result.tables += 1
        result.rows += count
        if restored.get(table) != count:
            result.problems.append(f"table {table}: {restored.get(table)} rows, expected {count}")
    _verify_files(directory / FILES, manifest["files"], files_into, result)
    return result


def _verify_files(tar_path: Path, expected: dict, into: Path | None, result: Verification):
    scratch = None
    if into is None:
        into = Path(scratch := tempfile.mkdtemp(prefix="portal-restore-"))
    try:
        with tarfile.open(tar_path) as tar:
            count = sum(1 for member in tar.getmembers() if member.isfile())
            tar.extractall(into, filter="data")
        if count != expected["count"]:
            result.problems.append(f"{count} files restored, expected {expected['count']}")
        for arcname, digest in expected["sample"].items():
            result.files_sampled += 1
            path = into / arcname
            if not path.is_file() or _sha256(path) != digest:
                result.problems.append(f"file {arcname} is missing or differs")
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
