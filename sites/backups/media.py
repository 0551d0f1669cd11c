"""The media half of a backup: every file of the media store, through Django's storage API
only, so the same code copies a local folder or an S3 bucket."""

import posixpath

from django.core.files import File

from .files import BackupError, copy_and_hash, relative_name


def names(storage):
    """Every file's name in `storage` (a relative POSIX path), sorted."""
    found = []
    pending = [""]
    while pending:
        top = pending.pop()
        try:
            directories, files = storage.listdir(top)
        except FileNotFoundError:  # a local store whose folder is not made yet: empty
            continue
        found += [posixpath.join(top, name) for name in files]
        pending += [posixpath.join(top, name) for name in directories]
    return sorted(found)


def is_empty(storage):
    return not names(storage)


def copy_out(storage, folder):
    """Copy every file of `storage` into `folder`, under the same relative names.

    Returns ({name: {"size": ..., "sha256": ...}}, [names that vanished]): a file deleted
    after it was listed (an editor removing an image during the backup) is left out."""
    entries, vanished = {}, []
    for name in names(storage):
        target = folder.joinpath(*relative_name(name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with storage.open(name, "rb") as source, open(target, "xb") as out:
                sha256, size = copy_and_hash(source, out)
        except Exception as error:  # the store's errors, local (OSError) or remote (S3's)
            target.unlink(missing_ok=True)
            if not storage.exists(name):
                vanished.append(name)
                continue
            raise BackupError(f"cannot copy the media file {name}: {error}") from error
        entries[name] = {"size": size, "sha256": sha256}
    return entries, vanished


def copy_in(storage, folder, entries):
    """Save the files of `folder` listed in `entries` into `storage`, under their names."""
    for name in entries:
        source_path = folder.joinpath(*relative_name(name).parts)
        try:
            with open(source_path, "rb") as source:
                saved = storage.save(name, File(source, name=name))
        except OSError as error:
            raise BackupError(f"cannot restore the media file {name}: {error}") from error
        if saved != name:
            raise BackupError(f"the media store saved {name} under another name, {saved}")


def differences(storage, entries):
    """What in `storage` differs from `entries`: missing files, other sizes or checksums."""
    problems = []
    for name, expected in entries.items():
        try:
            with storage.open(name, "rb") as source:
                sha256, size = copy_and_hash(source)
        except Exception as error:  # missing, or unreadable: either way not restored
            problems.append(f"media {name}: cannot be read ({error})")
            continue
        if size != expected["size"] or sha256 != expected["sha256"]:
            problems.append(
                f"media {name}: {size} bytes, sha256 {sha256[:12]}…, "
                f"expected {expected['size']} bytes, sha256 {expected['sha256'][:12]}…"
            )
    return problems
