"""The freshness report on the command line: the same rows, columns and values as the admin's
export of «Актуальность сайтов» (sites/freshness/columns.py and exports.py serve both)."""

from django.core.management.base import BaseCommand, CommandError

from sites.freshness import exports
from sites.freshness import status as freshness
from sites.freshness.columns import EXPORT_HEADERS, export_row
from sites.freshness.status import Status

FORMATS = ("table", "csv", "xlsx")


class Command(BaseCommand):
    help = (
        "Актуальность сайтов всех организаций: таблица, CSV или XLSX с теми же столбцами и "
        "значениями, что и выгрузка отчёта в админке."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--format",
            choices=FORMATS,
            default="table",
            help="table — столбцы для терминала (по умолчанию), csv, xlsx (только с --output)",
        )
        parser.add_argument("--output", metavar="FILE", help="записать в файл, а не на экран")
        parser.add_argument(
            "--status",
            nargs="+",
            metavar="STATUS",
            help="только организации с этими статусами: "
            + ", ".join(f"«{status}»" for status in Status.values),
        )

    def handle(self, *args, format, output, status, **options):
        statuses = self.check_statuses(status or [])
        if format == "xlsx" and not output:
            raise CommandError("Формат xlsx записывается только в файл: укажите --output FILE.")
        rows = [*iter(freshness.rows(statuses=statuses))]
        if format == "xlsx":
            exports.write_xlsx(rows, output)
        elif format == "csv":
            self.write_text("".join(exports.csv_lines(rows)), output)
        else:
            self.write_text(table(rows), output)
        if output:
            self.stdout.write(f"Записано организаций: {len(rows)}, файл {output}")

    def check_statuses(self, given):
        unknown = [status for status in given if status not in Status.values]
        if unknown:
            valid = ", ".join(f"«{status}»" for status in Status.values)
            raise CommandError(
                f"Неизвестный статус: {', '.join(f'«{s}»' for s in unknown)}. Допустимые: {valid}."
            )
        return given

    def write_text(self, text, output):
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        else:
            self.stdout.write(text, ending="")


def table(rows):
    """Aligned plain-text columns (the CSV's header and values), one line per organization."""
    lines = [list(EXPORT_HEADERS)]
    lines += [[exports.csv_value(value) for value in export_row(row)] for row in rows]
    widths = [max(len(line[n]) for line in lines) for n in range(len(lines[0]))]
    return "".join(
        "  ".join(value.ljust(width) for value, width in zip(line, widths, strict=True)).rstrip()
        + "\n"
        for line in lines
    )
