"""`manage.py backup DIR`: the database, the media files and a manifest, into DIR
(sites/backups/services.py has what a backup holds and how it stays consistent)."""

from django.core.management.base import BaseCommand, CommandError

from sites.backups import services
from sites.backups.files import size_text


class Command(BaseCommand):
    help = (
        "Write a backup into DIR, a new or empty folder: the database (pg_dump's custom format "
        "on PostgreSQL, a copy of the file on SQLite), every media file, and manifest.json with "
        "the row count of every model and the checksum of every file. manage.py restore DIR "
        "puts it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="DIR", help="a new or empty folder")

    def handle(self, *args, folder, **options):
        try:
            done = services.backup(folder)
        except services.BackupError as error:
            raise CommandError(f"Backup failed: {error}") from None
        for name in done.vanished:
            self.stderr.write(
                self.style.WARNING(f"Left out {name}: deleted from the media store meanwhile.")
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {done.folder} in {done.seconds:.1f} s: the {done.vendor} "
                f"database ({size_text(done.dump_size)}, {done.rows} rows in {done.models} "
                f"models) and {done.files} media files ({size_text(done.media_size)})."
            )
        )
