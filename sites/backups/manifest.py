"""The manifest, `manifest.json`: what a backup holds and how a restore proves itself complete
(the row count of every model, the size and checksum of the dump and of every media file).
It is written last: a folder without it holds no finished backup."""

import json
import re
from datetime import UTC, datetime

import django
import wagtail

from .database import DUMP_FILES
from .files import BackupError, relative_name

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_FOLDER = "media"
SHA256 = re.compile(r"[0-9a-f]{64}")


def build(*, vendor, dump_sha256, dump_size, counts, migrations, media):
    return {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": {"django": django.get_version(), "wagtail": wagtail.__version__},
        "database": {
            "vendor": vendor,
            "file": DUMP_FILES[vendor],
            "size": dump_size,
            "sha256": dump_sha256,
        },
        "migrations": migrations,
        "counts": counts,
        "media": media,
    }


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_checksum(value):
    return isinstance(value, str) and SHA256.fullmatch(value) is not None


def _problems(manifest):
    """Why `manifest` is not one this code can restore from (empty: it is)."""
    if not isinstance(manifest, dict):
        return ["it is not a JSON object"]
    if manifest.get("format") != FORMAT:
        return [f"its format is {manifest.get('format')!r}, this code reads format {FORMAT}"]
    problems = []
    database = manifest.get("database")
    if not isinstance(database, dict) or database.get("vendor") not in DUMP_FILES:
        problems.append("database.vendor is missing or unknown")
    else:
        if database.get("file") != DUMP_FILES[database["vendor"]]:
            problems.append("database.file does not name the dump")
        if not _is_count(database.get("size")) or not _is_checksum(database.get("sha256")):
            problems.append("database.size or database.sha256 is missing or malformed")
    counts = manifest.get("counts")
    if not isinstance(counts, dict) or not all(
        isinstance(label, str) and _is_count(rows) for label, rows in counts.items()
    ):
        problems.append("counts is not a mapping of model labels to row counts")
    migrations = manifest.get("migrations")
    if not isinstance(migrations, dict) or not all(
        isinstance(names, list) and all(isinstance(name, str) for name in names)
        for names in migrations.values()
    ):
        problems.append("migrations is not a mapping of apps to migration names")
    media = manifest.get("media")
    if not isinstance(media, dict):
        problems.append("media is not a mapping of file names")
    else:
        for name, entry in media.items():
            try:
                relative_name(name)
            except BackupError as error:
                problems.append(str(error))
                continue
            if not (
                isinstance(entry, dict)
                and _is_count(entry.get("size"))
                and _is_checksum(entry.get("sha256"))
            ):
                problems.append(f"media {name}: size or sha256 is missing or malformed")
    return problems


def read(folder):
    """The manifest of the backup in `folder`, checked for shape, or BackupError."""
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(
            f"{folder} holds no {MANIFEST}: it is not a backup, or the backup did not finish"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise BackupError(f"{path} cannot be read: {error}") from error
    if problems := _problems(manifest):
        raise BackupError(f"{path} is corrupt: " + "; ".join(problems[:10]))
    return manifest


def count_differences(expected, actual):
    """Models whose row count in the database (`actual`) is not the manifest's (`expected`)."""
    problems = []
    for label, rows in expected.items():
        if label not in actual:
            problems.append(f"{label}: no such model or table in this database")
        elif actual[label] != rows:
            problems.append(f"{label}: {actual[label]} rows, expected {rows}")
    return problems


def migration_differences(expected, actual):
    if expected == actual:
        return []
    missing = sorted(
        f"{app}.{name}"
        for app, names in expected.items()
        for name in set(names) - set(actual.get(app, []))
    )
    extra = sorted(
        f"{app}.{name}"
        for app, names in actual.items()
        for name in set(names) - set(expected.get(app, []))
    )
    return [f"migration history: {len(missing)} missing {missing[:5]}, {len(extra)} extra"]


def summarize(problems, limit=20):
    shown = problems[:limit]
    more = len(problems) - len(shown)
    return "\n  " + "\n  ".join(shown) + (f"\n  … and {more} more" if more else "")
