"""Reading the membership registry's CSV export: what Excel in Russia writes (comma- or
semicolon-separated, UTF-8 with or without a BOM, or Windows-1251), checked as a whole before
any row is imported."""

import csv
import io
import os
import re
from dataclasses import dataclass

COLUMNS = (
    "code",
    "name",
    "short_name",
    "kind",
    "parent_code",
    "district",
    "address",
    "phone",
    "email",
    "chair",
    "members",
    "hostname",
)
# Model fields set from the column of the same name; `members` and `parent_code` are converted.
PLAIN_FIELDS = (
    "name",
    "short_name",
    "kind",
    "district",
    "address",
    "phone",
    "email",
    "chair",
    "hostname",
)
IMPORTED_FIELDS = ("code", *PLAIN_FIELDS, "members_count", "parent")
COLUMN_FOR_FIELD = {"members_count": "members", "parent": "parent_code"}

DELIMITERS = (",", ";", "\t")
# Spaces Excel and people put between thousands: "46 831", "46 831" (NBSP), narrow NBSP.
THOUSANDS_SEPARATORS = re.compile(r"[\s\u00a0\u202f']")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
EXCEL_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx (zip), .xls (OLE)


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (not a CSV, a required column missing…).
    The message is in Russian and meant for the user; nothing has been written."""


@dataclass
class SourceRow:
    """One data row of the file: its physical line and its values by column name."""

    line: int
    values: dict[str, str]
    problem: str | None = None  # why the row cannot be imported, once known

    @property
    def code(self):
        return self.values["code"]

    @property
    def parent_code(self):
        return self.values["parent_code"]


def parse_file(source):
    """The data rows of a registry export. `source` is the file's bytes, a path, or an open
    binary file (an upload). Raises ImportFileError if the file as a whole is unusable."""
    return parse_text(decode(read_bytes(source)))


def read_bytes(source):
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            return handle.read()
    if hasattr(source, "chunks"):  # a Django upload: may live in a temporary file
        return b"".join(source.chunks())
    return source.read()


def decode(data):
    """UTF-8 (a BOM is dropped) or, failing that, Windows-1251: what Excel saves in Russia."""
    if data.startswith(EXCEL_SIGNATURES):
        raise ImportFileError(
            "Это книга Excel, а не CSV. Откройте её в Excel и сохраните как «CSV UTF-8 "
            "(разделитель — запятая)» или «CSV (разделители — точка с запятой)»."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError:
            text = None
    if text is None or CONTROL_CHARACTERS.search(text):
        raise ImportFileError(
            "Файл не похож на таблицу CSV: в нём двоичные данные. Загрузите выгрузку реестра, "
            "сохранённую как CSV в кодировке UTF-8 или Windows-1251."
        )
    return text


def sniff_delimiter(header_line):
    """The separator the header uses most: the column names themselves contain none."""
    return max(DELIMITERS, key=header_line.count)


def parse_text(text):
    if not text.strip():
        raise ImportFileError("Файл пуст.")
    header_line = text.lstrip("\r\n").splitlines()[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(header_line))
    try:
        header = next((row for row in reader if any(cell.strip() for cell in row)), None)
        if header is None:
            raise ImportFileError("Файл пуст.")
        header_end = reader.line_num
        columns = [cell.strip().lower() for cell in header]
        index = check_columns(columns)
        rows = []
        start = header_end + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue  # blank lines, or Excel's trailing ";;;;" lines
            rows.append(make_row(line, cells, columns, index))
    except csv.Error as error:
        raise ImportFileError(f"Строка {reader.line_num}: файл CSV повреждён ({error}).") from None
    return rows


def check_columns(columns):
    """Position of each required column; raises if one is missing or given twice."""
    missing = [name for name in COLUMNS if name not in columns]
    if missing:
        raise ImportFileError(
            f"В первой строке файла нет обязательных столбцов: {', '.join(missing)}. "
            f"Первая строка должна содержать названия столбцов: {', '.join(COLUMNS)}."
        )
    repeated = sorted({name for name in COLUMNS if columns.count(name) > 1})
    if repeated:
        raise ImportFileError(f"Столбцы повторяются в первой строке: {', '.join(repeated)}.")
    return {name: columns.index(name) for name in COLUMNS}


def make_row(line, cells, columns, index):
    cells = [cell.strip() for cell in cells]
    values = {name: cells[i] if i < len(cells) else "" for name, i in index.items()}
    row = SourceRow(line, values)
    # Excel writes as many values on every line as in the header: a different count means a
    # broken line, and its values would land in the wrong columns.
    if len(cells) < len(columns):
        row.problem = (
            f"В строке {len(cells)} значений, а в заголовке {len(columns)} столбцов: строка "
            "обрезана или значение с переводом строки не заключено в кавычки."
        )
    elif len(cells) > len(columns):
        row.problem = (
            f"В строке {len(cells)} значений, а в заголовке {len(columns)} столбцов: вероятно, "
            "значение с разделителем (запятой или точкой с запятой) не заключено в кавычки."
        )
    return row


def rows_from_mappings(rows, first_line=2):
    """Rows given as mappings (e.g. from csv.DictReader), numbered as lines of a file."""
    result = []
    for line, mapping in enumerate(rows, start=first_line):
        if line == first_line:
            check_columns(list(mapping))
        values = {name: (mapping.get(name) or "").strip() for name in COLUMNS}
        result.append(SourceRow(line, values))
    return result
