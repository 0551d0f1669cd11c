"""`manage.py restore DIR`: a backup made by `manage.py backup`, into an empty database and
an empty media store, verified against its manifest (sites/backups/services.py)."""

from django.core.management.base import BaseCommand, CommandError

from sites.backups import services
from sites.backups.files import size_text


class Command(BaseCommand):
    help = (
        "Restore the backup in DIR into the configured database and media store, both of "
        "which must be empty, then recount every model and recheck every file against the "
        "backup's manifest. Refuses, changing nothing, a target that is not empty, a backup "
        "whose files do not match its manifest, or one of another database engine."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="DIR", help="a folder written by manage.py backup")

    def handle(self, *args, folder, **options):
        try:
            done = services.restore(folder)
        except services.BackupError as error:
            raise CommandError(f"Restore failed: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {done.folder} in {done.seconds:.1f} s and verified it: "
                f"{done.models_checked} model counts ({done.rows} rows) and "
                f"{done.files_checked} media files ({size_text(done.media_size)}) match the "
                "manifest."
            )
        )
        if done.unapplied_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"{done.unapplied_migrations} migrations of this code are not applied to "
                    "the restored database: run manage.py migrate."
                )
            )
