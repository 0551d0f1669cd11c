"""The database half of a backup: a dump, with the row counts and the migration history read
from the same state of the data, and its restore into an empty database.

PostgreSQL: a read-only repeatable-read transaction exports its snapshot, `pg_dump
--format=custom --snapshot=...` dumps exactly that snapshot, and the same transaction counts
the rows, so the counts are the dump's even while editors keep working. SQLite: the backup API
copies the live database into a file, and the counts are read from the copy.
"""

import os
import shutil
import sqlite3
import subprocess

from django.apps import apps
from django.db import transaction

from .files import BackupError

DUMP_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}

# libpq reads these connection options from its environment: pg_dump and pg_restore get them
# there, as they get the password, so nothing secret is on a command line (`ps` shows those).
LIBPQ_ENVIRONMENT = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}
CLIENT_MISSING = (
    "{program} was not found on PATH: install the PostgreSQL client programs "
    "(Debian: apt-get install postgresql-client), of the server's major version or newer"
)


def supported(connection):
    if connection.vendor not in DUMP_FILES:
        raise BackupError(
            f"cannot back up a {connection.vendor} database: only PostgreSQL and SQLite"
        )
    return DUMP_FILES[connection.vendor]


def counted_tables():
    """{"app_label.ModelName": table} for every concrete model whose rows the database holds,
    the many-to-many tables included."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or meta.swapped or not meta.managed:
            continue
        tables[meta.label] = meta.db_table
    return dict(sorted(tables.items()))


def _quote(table):
    return '"' + table.replace('"', '""') + '"'


def count(cursor, table):
    cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 (a model's table)
    return cursor.fetchone()[0]


def count_rows(cursor, existing_tables):
    """{"app_label.ModelName": rows} for the models whose tables exist."""
    return {
        label: count(cursor, table)
        for label, table in counted_tables().items()
        if table in existing_tables
    }


def applied_migrations(cursor, existing_tables):
    """{app: [migration names, in order]} from Django's migration history."""
    if "django_migrations" not in existing_tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    history = {}
    for app, name in cursor.fetchall():
        history.setdefault(app, []).append(name)
    return history


def tables(connection):
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


# PostgreSQL ----------------------------------------------------------------------------------


def libpq_arguments(settings_dict):
    """(command-line arguments, environment) for pg_dump and pg_restore to reach the database
    of `settings_dict`; the password and the TLS options only in the environment."""
    if not settings_dict.get("NAME"):
        raise BackupError("the database has no NAME in settings.DATABASES")
    arguments = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            arguments += [option, str(settings_dict[key])]
    environment = {}
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in LIBPQ_ENVIRONMENT.items():
        if options.get(option) not in (None, ""):
            environment[variable] = str(options[option])
    return arguments, environment


def _run(program, arguments, environment):
    binary = shutil.which(program)
    if binary is None:
        raise BackupError(CLIENT_MISSING.format(program=program))
    try:
        result = subprocess.run(  # noqa: S603 (our arguments, no shell)
            [binary, *arguments],
            env={**os.environ, **environment},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as error:
        raise BackupError(f"cannot run {binary}: {error}") from error
    if result.returncode != 0:
        message = result.stderr.strip()[-2000:] or "no message"
        raise BackupError(f"{program} failed (exit status {result.returncode}): {message}")


def _dump_postgresql(connection, path):
    arguments, environment = libpq_arguments(connection.settings_dict)
    if connection.in_atomic_block:
        raise BackupError("a backup reads committed data only: run it outside a transaction")
    # A health check due on this connection would run a query first; the snapshot's
    # transaction must begin with the SET below.
    connection.cursor().close()
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        _run(
            "pg_dump",
            [
                *arguments,
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot}",
                f"--file={path}",
                "--dbname",
                connection.settings_dict["NAME"],
            ],
            environment,
        )
        existing = set(connection.introspection.table_names(cursor))
        return count_rows(cursor, existing), applied_migrations(cursor, existing)


def _load_postgresql(connection, path):
    arguments, environment = libpq_arguments(connection.settings_dict)
    connection.close()  # pg_restore works on its own connection; ours holds nothing open
    _run(
        "pg_restore",
        [
            *arguments,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            "--dbname",
            connection.settings_dict["NAME"],
            str(path),
        ],
        environment,
    )


# SQLite --------------------------------------------------------------------------------------


def _dump_sqlite(connection, path):
    if connection.in_atomic_block:
        raise BackupError("a backup reads committed data only: run it outside a transaction")
    connection.ensure_connection()
    try:
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        copy = sqlite3.connect(path)
        try:
            cursor = copy.cursor()
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            existing = {name for (name,) in cursor.fetchall()}
            return count_rows(cursor, existing), applied_migrations(cursor, existing)
        finally:
            copy.close()
    except sqlite3.Error as error:
        raise BackupError(f"the SQLite backup failed: {error}") from error


def _load_sqlite(connection, path):
    connection.ensure_connection()
    try:
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    except sqlite3.Error as error:
        raise BackupError(f"the SQLite restore failed: {error}") from error


# Both ----------------------------------------------------------------------------------------


def dump(connection, path):
    """Write the database to `path`; returns (row counts, migration history) of what it holds."""
    supported(connection)
    if connection.vendor == "postgresql":
        return _dump_postgresql(connection, path)
    return _dump_sqlite(connection, path)


def load(connection, path):
    """Load the dump at `path` into the (empty) database of `connection`."""
    supported(connection)
    if connection.vendor == "postgresql":
        _load_postgresql(connection, path)
    else:
        _load_sqlite(connection, path)


def current_state(connection):
    """(row counts, migration history) of the database as it is now."""
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        return count_rows(cursor, existing), applied_migrations(cursor, existing)
