"""Backups: `backup DIR` dumps the database and the uploaded files with a manifest, and
`backup_verify DIR --database URL` restores them into an empty database (of a PostgreSQL
cluster of the test's own) and proves the restore complete, or says what is missing."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portal.models import User
from tests.servers import postgres_server, test_database_url

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def uploads(settings, tmp_path):
    """A licence in private media and a lesson image in public media, Chinese names included."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    licence = settings.PRIVATE_MEDIA_ROOT / "licences" / "营业执照-广州市某某科技有限公司.pdf"
    image = settings.MEDIA_ROOT / "images" / "家风教育.png"
    for path, content in ((licence, b"%PDF-1.4 licence"), (image, b"\x89PNG lesson image")):
        path.parent.mkdir(parents=True)
        path.write_bytes(content)
    return {"licence": licence, "image": image}


@pytest.fixture
def scratch():
    """An empty database in a cluster of the test's own: restores never touch the shared one."""
    with postgres_server() as pg:
        yield pg, pg.create_database("restored")


def backup(directory) -> dict:
    out = StringIO()
    call_command("backup", str(directory), stdout=out)
    assert "written to" in out.getvalue()
    return json.loads((directory / "manifest.json").read_text())


def verify(directory, url, **kwargs) -> str:
    out, err = StringIO(), StringIO()
    try:
        call_command("backup_verify", str(directory), "--database", url, stdout=out, stderr=err)
    finally:
        kwargs.get("errors", []).append(err.getvalue())
    return out.getvalue()


def test_a_backup_restores_completely_into_an_empty_database(people, uploads, tmp_path, scratch):
    pg, url = scratch
    manifest = backup(tmp_path / "backup")
    assert manifest["database"]["tables"]["public.portal_user"] == User.objects.count() == 3
    assert manifest["files"]["count"] == 2
    assert set(manifest["files"]["sample"]) == {
        "private_media/licences/营业执照-广州市某某科技有限公司.pdf",
        "media/images/家风教育.png",
    }

    files = tmp_path / "restored-files"
    report = verify(tmp_path / "backup", url, files=files)
    assert "problems: 0" in report
    tables = len(manifest["database"]["tables"])
    assert f"tables: {tables} checked" in report
    # The restored database is the portal's: its people are there by name.
    names = pg.psql("SELECT display_name FROM portal_user ORDER BY id", database="restored")
    assert names.splitlines() == list(
        User.objects.order_by("id").values_list("display_name", flat=True)
    )


def test_a_damaged_backup_is_refused_before_anything_is_restored(
    people, uploads, tmp_path, scratch
):
    pg, url = scratch
    backup(tmp_path / "backup")
    tar = tmp_path / "backup" / "files.tar"
    tar.write_bytes(tar.read_bytes()[:-1024])  # cut short, as by a full disk
    errors = []
    with pytest.raises(CommandError):
        verify(tmp_path / "backup", url, errors=errors)
    assert "files.tar is damaged" in errors[0]
    assert pg.psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", "restored") == (
        "0\n"
    )


def test_a_restore_goes_only_into_an_empty_database_never_the_live_one(
    people, uploads, tmp_path, scratch
):
    pg, url = scratch
    backup(tmp_path / "backup")
    with pytest.raises(CommandError, match="own database"):
        verify(tmp_path / "backup", test_database_url())
    pg.psql("CREATE TABLE something_else (id int)", database="restored")
    with pytest.raises(CommandError, match="must be empty"):
        verify(tmp_path / "backup", url)


def test_a_backup_never_mixes_with_an_older_one(people, uploads, tmp_path):
    backup(tmp_path / "backup")
    with pytest.raises(CommandError, match="not empty"):
        backup(tmp_path / "backup")
