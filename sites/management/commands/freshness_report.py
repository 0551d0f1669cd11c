"""The freshness report on the command line: the same rows and values as the admin's export
of «Актуальность сайтов» (sites/freshness.py does both)."""

from django.core.management.base import BaseCommand, CommandError

from sites.freshness import report as freshness
from sites.freshness.report import Status

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
        rows = freshness.filter_rows(freshness.freshness_rows(), statuses=statuses)
        rows = freshness.sort_rows(rows)
        if format == "xlsx":
            freshness.write_xlsx(rows, output)
        elif format == "csv":
            self.write_text("".join(freshness.csv_lines(rows)), output)
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
    lines = [list(freshness.EXPORT_COLUMNS)]
    for row in rows:
        values = freshness.export_values(row)
        lines.append([freshness.csv_value(values[column]) for column in freshness.EXPORT_COLUMNS])
    widths = [max(len(line[n]) for line in lines) for n in range(len(lines[0]))]
    return "".join(
        "  ".join(value.ljust(width) for value, width in zip(line, widths, strict=True)).rstrip()
        + "\n"
        for line in lines
    )
