"""What the backup's own files need: checksums while copying, safe relative names, and the
write-then-rename that keeps a half-written file from passing for a finished one."""

import hashlib
import json
import os
from pathlib import Path, PurePosixPath

CHUNK = 1024 * 1024
PARTIAL = ".partial"


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message tells the operator why."""


def copy_and_hash(source, target=None):
    """Read `source` (a binary file object) to its end, writing it to `target` if given.
    Returns (sha256 hex digest, size in bytes)."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    return digest.hexdigest(), size


def file_digest(path):
    with open(path, "rb") as source:
        return copy_and_hash(source)


def relative_name(name):
    """`name` as a relative POSIX path that stays inside its folder, or BackupError."""
    if not isinstance(name, str) or not name or "\\" in name or "\x00" in name:
        raise BackupError(f"unsafe file name in the backup: {name!r}")
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("", ".", "..") for part in name.split("/")):
        raise BackupError(f"unsafe file name in the backup: {name!r}")
    return path


def size_text(size):
    """A size for the operator to read: bytes, KB or MB."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def partial(path):
    """The name a file or folder has until it is complete."""
    path = Path(path)
    return path.with_name(path.name + PARTIAL)


def write_json(path, data):
    """Write `data` to `path` through a partial file, synced before the rename."""
    temporary = partial(path)
    with open(temporary, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=2, sort_keys=True)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
