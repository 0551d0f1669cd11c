"""`manage.py import_orgs FILE [--dry-run]`: the membership registry's CSV export into the
registry, through `directory.importing` (the same path as the admin's upload form)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from directory.importing import import_file
from directory.registry_file import ImportFileError

PROGRESS_EVERY = 500  # rows; smaller files finish before anyone looks


class Command(BaseCommand):
    help = (
        "Импорт реестра организаций из CSV (выгрузка реестра членов Профсоюза): создаёт и "
        "обновляет организации по коду, сообщает об ошибочных строках."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV-файл: запятая или точка с запятой, UTF-8 или 1251")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="только проверить файл и показать итог, ничего не записывая",
        )

    def handle(self, *args, file, dry_run, **options):
        try:
            result = import_file(file, dry_run=dry_run, progress=self.progress)
        except FileNotFoundError:
            raise CommandError(f"Файл не найден: {file}") from None
        except ImportFileError as error:
            raise CommandError(f"{error} Ничего не записано.") from None
        except DatabaseError as error:
            raise CommandError(
                f"Импорт не выполнен из-за ошибки базы данных, ничего не записано: {error}"
            ) from error

        for error in result.errors:
            self.stderr.write(str(error))
        self.stdout.write(result.summary())
        if dry_run:
            self.stdout.write("Только проверка (--dry-run): в реестр ничего не записано.")
        if result.errors:
            done = "проверены" if dry_run else "загружены"
            raise CommandError(f"Строк с ошибками: {len(result.errors)}; остальные строки {done}.")

    def progress(self, done, total):
        if total >= PROGRESS_EVERY and (done % PROGRESS_EVERY == 0 or done == total):
            self.stderr.write(f"Обработано строк: {done} из {total}")
