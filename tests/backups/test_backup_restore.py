"""`manage.py backup DIR` and `manage.py restore DIR`: a backup restored into a new, empty
database and media store (by another process, as an operator would) reproduces every row
count and every file checksum; a restore refuses a target that is not empty and a backup that
does not match its manifest, changing nothing; a backup refuses a folder that holds one, and
one that fails leaves nothing that looks finished."""

import errno
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg import sql
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page

from directory.models import Organization
from news.models import NewsPage
from sites.backups import database, media

from ..site_content import build_region

COMMITTED = pytest.mark.django_db(transaction=True, serialized_rollback=True)
MANAGE = Path(settings.BASE_DIR) / "manage.py"
PDF = b"%PDF-1.4\n% the union's charter\n%%EOF\n"
DUMP = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}

# The same facts, read in the restored database by another process.
FACTS = (
    "import json; from tests.backups.test_backup_restore import facts; print(json.dumps(facts()))"
)


def facts():
    """What an editor would check first: the registry, the pages, the uploads."""
    return {
        "organizations": sorted(Organization.objects.values_list("short_name", flat=True)),
        "titles": sorted(Page.objects.values_list("title", flat=True)),
        "images": sorted(get_image_model().objects.values_list("file", flat=True)),
        "renditions": get_image_model().get_rendition_model().objects.count(),
        "documents": sorted(get_document_model().objects.values_list("file", flat=True)),
    }


@pytest.fixture
def media_root(tmp_path, settings):
    """A media store of the test's own, so the backup holds only what the test uploads."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def content(media_root):
    """Three organizations with their sites, news and a report, an image with a rendition,
    and a document."""
    organizations = build_region()
    image = get_image_model().objects.get()
    image.get_rendition("fill-160x90")
    get_document_model().objects.create(
        title="Устав",
        file=ContentFile(PDF, name="ustav.pdf"),
        collection=Collection.get_first_root_node(),
    )
    return organizations


def _server():
    params = connection.settings_dict
    return {
        "host": params["HOST"] or None,
        "port": params["PORT"] or None,
        "user": params["USER"] or None,
        "password": params["PASSWORD"] or None,
    }


@pytest.fixture
def target(tmp_path):
    """A new, empty database of the test database's engine and an empty media store, for a
    restore in another process: (DATABASE_URL, PROFSITES_VAR_DIR). The database is dropped
    afterwards."""
    var_dir = tmp_path / "restored"
    var_dir.mkdir()
    if connection.vendor == "sqlite":
        yield f"sqlite:///{var_dir / 'restored.sqlite3'}", var_dir
        return
    name = f"profsites_restore_{secrets.token_hex(4)}"
    server = _server()
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    credentials = quote(server["user"] or "", safe="")
    if server["password"]:
        credentials += ":" + quote(server["password"], safe="")
    address = f"{quote(server['host'] or '', safe='')}:{server['port'] or 5432}"
    try:
        yield f"postgres://{credentials}@{address}/{name}", var_dir
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def manage(target, *arguments):
    """`manage.py ...` in another process, on the target's database and media store."""
    database_url, var_dir = target
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sites.settings.test",
        "DATABASE_URL": database_url,
        "PROFSITES_VAR_DIR": str(var_dir),
    }
    return subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, str(MANAGE), *arguments],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def restored_media(target):
    """The target's media folder: sites/settings/test.py puts it in the var dir."""
    return target[1] / "test-media"


def backup(folder):
    """`manage.py backup`, here: the test database holds the test's committed data."""
    call_command("backup", str(folder), stdout=StringIO())


def read_manifest(folder):
    return json.loads((folder / "manifest.json").read_text())


def write_manifest(folder, manifest):
    (folder / "manifest.json").write_text(json.dumps(manifest))


def media_files(root):
    return sorted(str(path.relative_to(root)) for path in Path(root).rglob("*") if path.is_file())


# The round trip --------------------------------------------------------------------------------


@COMMITTED
def test_a_backup_restored_into_an_empty_database_reproduces_it(content, tmp_path, target):
    folder = tmp_path / "backup"
    backup(folder)

    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [DUMP[connection.vendor], "manifest.json", "media"]
    )
    manifest = read_manifest(folder)
    assert manifest["database"]["vendor"] == connection.vendor
    counts = manifest["counts"]
    assert counts["directory.Organization"] == Organization.objects.count() == 3
    assert counts["wagtailcore.Page"] == Page.objects.count()
    assert counts["wagtailimages.Rendition"] == 1
    assert counts["wagtaildocs.Document"] == 1
    assert "0001_initial" in manifest["migrations"]["directory"]
    stored = media.names(default_storage)
    assert sorted(manifest["media"]) == stored and len(stored) == 3  # image, rendition, PDF
    for name in stored:
        with default_storage.open(name) as original:
            assert (folder / "media" / name).read_bytes() == original.read()

    restore = manage(target, "restore", str(folder))
    assert restore.returncode == 0, restore.stderr
    assert "verified" in restore.stdout
    assert f"{len(counts)} model counts" in restore.stdout and "3 media files" in restore.stdout

    shown = manage(target, "shell", "-c", FACTS)
    assert shown.returncode == 0, shown.stderr
    restored = json.loads(shown.stdout.strip().splitlines()[-1])
    assert restored == facts()
    assert "Железногорская городская организация" in restored["organizations"]
    assert "Публичный отчёт за 2025 год" in restored["titles"]
    assert media_files(restored_media(target)) == stored
    for name in stored:
        original = Path(settings.MEDIA_ROOT, name).read_bytes()
        assert (restored_media(target) / name).read_bytes() == original


# What a restore refuses -------------------------------------------------------------------------


@COMMITTED
def test_a_restore_refuses_a_database_that_is_not_empty(content, tmp_path):
    folder = tmp_path / "backup"
    backup(folder)
    before, files = facts(), media_files(settings.MEDIA_ROOT)

    with pytest.raises(CommandError, match="is not empty .*restore only into a new, empty"):
        call_command("restore", str(folder))
    assert facts() == before
    assert media_files(settings.MEDIA_ROOT) == files


@COMMITTED
def test_a_restore_refuses_a_media_store_that_is_not_empty(media_root, tmp_path, target):
    folder = tmp_path / "backup"
    backup(folder)
    stray = restored_media(target) / "documents" / "stray.pdf"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(PDF)

    refused = manage(target, "restore", str(folder))
    assert refused.returncode != 0
    assert "the media store is not empty" in refused.stderr
    assert "Traceback" not in refused.stderr
    tables = manage(
        target,
        "shell",
        "-c",
        "from django.db import connection as c; print(c.introspection.table_names())",
    )
    assert tables.stdout.strip().splitlines()[-1] == "[]"
    assert media_files(restored_media(target)) == ["documents/stray.pdf"]


@COMMITTED
def test_a_restore_refuses_a_backup_that_does_not_match_its_manifest(content, tmp_path):
    folder = tmp_path / "backup"
    backup(folder)
    image_file = get_image_model().objects.get().file.name
    other_vendor = "sqlite" if connection.vendor == "postgresql" else "postgresql"

    def tamper_image(copy):
        (copy / "media" / image_file).write_bytes(b"not the photo")

    def tamper_dump(copy):
        with open(copy / DUMP[connection.vendor], "ab") as dump:
            dump.write(b"\0")

    def drop_manifest(copy):
        (copy / "manifest.json").unlink()

    def truncate_manifest(copy):
        (copy / "manifest.json").write_text('{"format": 1, ')

    def future_format(copy):
        write_manifest(copy, read_manifest(copy) | {"format": 2})

    def unsafe_name(copy):
        manifest = read_manifest(copy)
        manifest["media"]["../outside.txt"] = manifest["media"].pop(image_file)
        write_manifest(copy, manifest)

    def other_engine(copy):
        manifest = read_manifest(copy)
        manifest["database"] |= {"vendor": other_vendor, "file": DUMP[other_vendor]}
        write_manifest(copy, manifest)

    cases = [
        (tamper_image, f"(?s)does not match its manifest.*media {re.escape(image_file)}: its"),
        (tamper_dump, "(?s)does not match its manifest.*the dump database.*: its checksum"),
        (drop_manifest, "holds no manifest.json"),
        (truncate_manifest, "manifest.json cannot be read"),
        (future_format, "manifest.json is corrupt: its format is 2"),
        (unsafe_name, re.escape("unsafe file name in the backup: '../outside.txt'")),
        (other_engine, f"the backup is of a {other_vendor} database"),
    ]
    before, files = facts(), media_files(settings.MEDIA_ROOT)
    for tamper, message in cases:
        copy = tmp_path / tamper.__name__
        shutil.copytree(folder, copy)
        tamper(copy)
        with pytest.raises(CommandError, match=message):
            call_command("restore", str(copy))
    assert facts() == before
    assert media_files(settings.MEDIA_ROOT) == files


@COMMITTED
def test_a_restore_that_does_not_reproduce_the_manifest_fails_listing_what_differs(
    content, tmp_path, target
):
    folder = tmp_path / "backup"
    backup(folder)
    manifest = read_manifest(folder)
    manifest["counts"]["directory.Organization"] += 1
    manifest["counts"]["news.NewsPage"] -= 1
    news = NewsPage.objects.count()
    write_manifest(folder, manifest)

    restore = manage(target, "restore", str(folder))
    assert restore.returncode != 0
    assert "2 differences from the manifest" in restore.stderr
    assert "directory.Organization: 3 rows, expected 4" in restore.stderr
    assert f"news.NewsPage: {news} rows, expected {news - 1}" in restore.stderr
    assert "Traceback" not in restore.stderr


# What a backup refuses, and a failed one -------------------------------------------------------


def test_a_backup_refuses_a_folder_that_is_not_new_or_empty(tmp_path):
    holding = tmp_path / "holding"
    holding.mkdir()
    (holding / "manifest.json").write_text("{}")
    with pytest.raises(CommandError, match="already holds a backup"):
        call_command("backup", str(holding))
    assert [path.name for path in holding.iterdir()] == ["manifest.json"]

    unfinished = tmp_path / "unfinished"
    unfinished.mkdir()
    (unfinished / "database.dump").write_bytes(b"")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", str(unfinished))


@pytest.mark.django_db
def test_a_backup_refuses_to_run_inside_a_transaction(tmp_path):
    with pytest.raises(CommandError, match="outside a transaction"):
        call_command("backup", str(tmp_path / "backup"))
    assert not (tmp_path / "backup").exists()


@COMMITTED
def test_a_failed_backup_leaves_no_manifest_and_no_partial_files(content, tmp_path, monkeypatch):
    def disk_full(source, target=None):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(media, "copy_and_hash", disk_full)
    new = tmp_path / "new"
    with pytest.raises(CommandError, match="cannot copy the media file .*No space left"):
        call_command("backup", str(new))
    assert not new.exists()

    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CommandError, match="No space left"):
        call_command("backup", str(empty))
    assert list(empty.iterdir()) == []


@COMMITTED
def test_without_pg_dump_the_backup_says_what_to_install(tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump is PostgreSQL's")
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs"))
    with pytest.raises(CommandError, match="pg_dump was not found on PATH: install"):
        call_command("backup", str(tmp_path / "backup"))
    assert not (tmp_path / "backup").exists()


def test_the_password_goes_to_pg_dump_in_its_environment_not_its_arguments():
    arguments, environment = database.libpq_arguments(
        {
            "NAME": "profsites",
            "HOST": "db.internal",
            "PORT": 5433,
            "USER": "profsites",
            "PASSWORD": "s3cret",
            "OPTIONS": {"sslmode": "require"},
        }
    )
    assert arguments == ["--host", "db.internal", "--port", "5433", "--username", "profsites"]
    assert environment == {"PGPASSWORD": "s3cret", "PGSSLMODE": "require"}
