"""«Информационная работа за год» on the command line: the presidium's five tables in one XLSX
workbook, the same as the admin's download (sites/infowork/yearly.py makes both)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sites.freshness.public_reports import default_report_year
from sites.infowork import yearly


class Command(BaseCommand):
    help = (
        "Информационная работа за год (XLSX): охват сайтами, актуальность, публичные отчёты, "
        "доля бюджета, социальные партнёры."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            help="год публичных отчётов (по умолчанию прошлый календарный год)",
        )
        parser.add_argument(
            "--output",
            metavar="FILE",
            help="куда записать (по умолчанию informacionnaya-rabota-ГОД.xlsx в текущей папке)",
        )

    def handle(self, *args, year, output, **options):
        year = year or default_report_year()
        if not 1990 <= year <= 2100:
            raise CommandError(f"Год {year} вне допустимого диапазона 1990–2100.")
        path = Path(output or yearly.filename(year))
        if not path.parent.is_dir():
            raise CommandError(f"Нет папки {path.parent}: укажите существующую.")
        # Written aside, then put in place: a failure never leaves half a workbook.
        part = path.with_name(path.name + ".part")
        try:
            yearly.write_workbook(part, year)
            part.replace(path)
        finally:
            part.unlink(missing_ok=True)
        self.stdout.write(f"Записано: {path} (информационная работа за {year} год)")
