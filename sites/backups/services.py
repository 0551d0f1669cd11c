"""Back up and restore the whole install: the database, the media store and a manifest.

A backup folder holds `database.dump` (PostgreSQL, pg_dump's custom format) or
`database.sqlite3` (SQLite), `media/` with every file of the media store under its own name,
and `manifest.json`, written last. Each part is written under a `.partial` name and renamed
when complete; a backup that fails removes what it wrote, so no folder looks finished that is
not.

Consistency: the dump is one snapshot of the database, and the manifest's row counts are read
from that same snapshot (database.py). The media files are copied after the dump: a file
uploaded meanwhile is in the backup without a row pointing to it (harmless), a file deleted
meanwhile is left out and reported. Wagtail never rewrites a file in place, so each copied file
is whole.

A restore goes only into an empty database and an empty media store, from a backup whose
files match its manifest, and proves itself: it recounts every model and rechecks every file
against the manifest.
"""

import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

from home.kept import invalidate

from . import database, media
from . import manifest as manifests
from .files import BackupError, file_digest, partial, relative_name, write_json

__all__ = ["Backup", "BackupError", "Restore", "backup", "restore", "verify"]


@dataclass
class Backup:
    folder: Path
    vendor: str
    dump_size: int
    rows: int
    models: int
    files: int
    media_size: int
    seconds: float
    vanished: list = field(default_factory=list)


@dataclass
class Restore:
    folder: Path
    vendor: str
    models_checked: int
    rows: int
    files_checked: int
    media_size: int
    seconds: float
    unapplied_migrations: int = 0


def _from_database(connection, error):
    """The database's own error (unreachable, refused, missing) as the operator's message."""
    name = connection.settings_dict.get("NAME")
    return BackupError(f"the database {name} answered with an error: {error}")


@contextmanager
def _database_errors(connection):
    try:
        yield
    except DatabaseError as error:
        raise _from_database(connection, error) from error


def _prepare(folder):
    """Make `folder`, or take it if empty; refuse one that holds anything."""
    if (folder / manifests.MANIFEST).exists():
        raise BackupError(f"{folder} already holds a backup: choose a new folder")
    if folder.exists() and not folder.is_dir():
        raise BackupError(f"{folder} is not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise BackupError(
            f"{folder} is not empty (an unfinished backup?): a backup goes into a new or "
            "empty folder"
        )
    made = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    return made


def _remove(paths):
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def backup(folder, *, using=DEFAULT_DB_ALIAS, storage=None):
    """Write a backup of the database `using` and of `storage` (the default storage) into
    `folder`, a new or empty folder. Returns a `Backup` summary; raises BackupError."""
    started = time.monotonic()
    folder = Path(folder)
    storage = storage or default_storage
    connection = connections[using]
    dump_name = database.supported(connection)
    dump_path = folder / dump_name
    media_path = folder / manifests.MEDIA_FOLDER
    try:
        made = _prepare(folder)
    except OSError as error:
        raise BackupError(f"cannot make the backup folder {folder}: {error}") from error
    try:
        counts, migrations = database.dump(connection, partial(dump_path))
        dump_sha256, dump_size = file_digest(partial(dump_path))
        partial(dump_path).rename(dump_path)
        partial(media_path).mkdir()
        entries, vanished = media.copy_out(storage, partial(media_path))
        partial(media_path).rename(media_path)
        write_json(
            folder / manifests.MANIFEST,
            manifests.build(
                vendor=connection.vendor,
                dump_sha256=dump_sha256,
                dump_size=dump_size,
                counts=counts,
                migrations=migrations,
                media=entries,
            ),
        )
    except BaseException as error:
        _remove([dump_path, partial(dump_path), media_path, partial(media_path)])
        _remove([partial(folder / manifests.MANIFEST), folder / manifests.MANIFEST])
        if made:
            shutil.rmtree(folder, ignore_errors=True)
        if isinstance(error, OSError):
            raise BackupError(f"cannot write the backup into {folder}: {error}") from error
        if isinstance(error, DatabaseError):
            raise _from_database(connection, error) from error
        raise
    return Backup(
        folder=folder,
        vendor=connection.vendor,
        dump_size=dump_size,
        rows=sum(counts.values()),
        models=len(counts),
        files=len(entries),
        media_size=sum(entry["size"] for entry in entries.values()),
        seconds=time.monotonic() - started,
        vanished=vanished,
    )


def _backup_differences(folder, manifest):
    """What in the backup's own files differs from its manifest."""
    problems = []
    described = manifest["database"]
    dump_path = folder / described["file"]
    if not dump_path.is_file():
        problems.append(f"the dump {described['file']} is missing")
    elif file_digest(dump_path) != (described["sha256"], described["size"]):
        problems.append(f"the dump {described['file']}: its checksum is not the manifest's")
    media_path = folder / manifests.MEDIA_FOLDER
    for name, entry in manifest["media"].items():
        path = media_path.joinpath(*relative_name(name).parts)
        if not path.is_file():
            problems.append(f"media {name}: missing from the backup")
        elif file_digest(path) != (entry["sha256"], entry["size"]):
            problems.append(f"media {name}: its checksum is not the manifest's")
    return problems


def _refuse_unless_empty(connection, storage):
    tables = database.tables(connection)
    if tables:
        example = "django_migrations" if "django_migrations" in tables else sorted(tables)[0]
        raise BackupError(
            f"the database {connection.settings_dict['NAME']} is not empty ({len(tables)} "
            f"tables, {example} among them): restore only into a new, empty database"
        )
    if not media.is_empty(storage):
        raise BackupError(
            "the media store is not empty: restore only into an empty one "
            "(a new MEDIA_ROOT folder or bucket)"
        )


def verify(manifest, *, using=DEFAULT_DB_ALIAS, storage=None):
    """The differences between the database and media store and the manifest (empty: none)."""
    connection = connections[using]
    counts, migrations = database.current_state(connection)
    return (
        manifests.count_differences(manifest["counts"], counts)
        + manifests.migration_differences(manifest["migrations"], migrations)
        + media.differences(storage or default_storage, manifest["media"])
    )


def _unapplied_migrations(connection):
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _load(connection, storage, folder, manifest):
    _refuse_unless_empty(connection, storage)
    try:
        database.load(connection, folder / manifest["database"]["file"])
    except BackupError as error:
        # pg_restore --single-transaction, and SQLite's backup, write all or nothing.
        raise BackupError(f"{error}. The database was left empty.") from error
    try:
        media.copy_in(storage, folder / manifests.MEDIA_FOLDER, manifest["media"])
    except BackupError as error:
        raise BackupError(
            f"the database was restored, but not the media: {error}. Empty the database and "
            "the media store before trying again."
        ) from error


def restore(folder, *, using=DEFAULT_DB_ALIAS, storage=None):
    """Restore the backup in `folder` into the empty database `using` and the empty
    `storage`, then verify both against the manifest. Returns a `Restore` summary; raises
    BackupError, before changing anything when the backup or the target will not do."""
    started = time.monotonic()
    folder = Path(folder)
    storage = storage or default_storage
    connection = connections[using]
    database.supported(connection)
    try:
        manifest = manifests.read(folder)
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise BackupError(
                f"the backup is of a {vendor} database and this one is {connection.vendor}: "
                "restore into the same kind of database"
            )
        if problems := _backup_differences(folder, manifest):
            raise BackupError(
                f"the backup in {folder} does not match its manifest, nothing was restored:"
                + manifests.summarize(problems)
            )
    except OSError as error:
        raise BackupError(f"cannot read the backup in {folder}: {error}") from error
    if connection.in_atomic_block:
        raise BackupError("restore cannot run inside a transaction")
    with _database_errors(connection):
        _load(connection, storage, folder, manifest)
        if problems := verify(manifest, using=using, storage=storage):
            raise BackupError(
                f"restored, but {len(problems)} differences from the manifest were found:"
                + manifests.summarize(problems)
            )
        unapplied = _unapplied_migrations(connection)
    # What page views kept was built from the database before: none of it is valid now.
    invalidate()
    return Restore(
        folder=folder,
        vendor=vendor,
        models_checked=len(manifest["counts"]),
        rows=sum(manifest["counts"].values()),
        files_checked=len(manifest["media"]),
        media_size=sum(entry["size"] for entry in manifest["media"].values()),
        seconds=time.monotonic() - started,
        unapplied_migrations=unapplied,
    )
