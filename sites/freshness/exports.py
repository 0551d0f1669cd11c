"""The CSV and XLSX exports of the freshness rows, the same for the admin and the command, and
`csv_cell()`, through which every CSV export of the admin quotes what would start a formula."""

import csv
import io
from datetime import date

from sites.freshness.columns import EXPORT_HEADERS, export_row

# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_value(value):
    """Dates as ISO YYYY-MM-DD, None as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_cell(value):
    """A value as a CSV cell may carry it: text that a spreadsheet would run as a formula
    (starting with =, +, -, @, a tab or a carriage return) gets a leading single quote, so
    it is shown as text. Anything but text (numbers, dates, None) is returned as it is.
    Every CSV export goes through this: `csv_lines()` and the admin's report views."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(rows):
    """The CSV export, line by line (header first; CRLF line ends, as Python's csv writes);
    text cells through `csv_cell()`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_HEADERS)
    yield _pop(buffer)
    for row in rows:
        writer.writerow([csv_value(csv_cell(value)) for value in export_row(row)])
        yield _pop(buffer)


def _pop(buffer):
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def write_xlsx(rows, output, *, title="Актуальность сайтов"):
    """The XLSX export: the same columns and values as the CSV, dates as date cells shown as
    YYYY-MM-DD, missing values as empty cells."""
    save_workbook(output, [(title, list(EXPORT_HEADERS), [export_row(row) for row in rows])])


def save_workbook(output, sheets):
    """Write (title, headings, rows) sheets as an XLSX workbook to `output` (a path or file).
    Text that looks like a formula stays text."""
    # why: openpyxl takes a third of a second to import; only an XLSX download needs it.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for title, headings, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(headings)
        for values in rows:
            cells = []
            for value in values:
                cell = WriteOnlyCell(sheet, value)
                if cell.data_type == "f":
                    cell.data_type = "s"
                if isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            sheet.append(cells)
    workbook.save(output)
