"""`manage.py freshness_report`: a terminal table, CSV or XLSX of the freshness rows, with the
columns and values of the admin's export, filtered by status."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from sites.freshness import status as freshness

from ..freshness.test_freshness import (
    known_region,  # noqa: F401 - a fixture
    template_tree,  # noqa: F401 - a fixture
)

pytestmark = pytest.mark.django_db

HEADER = (
    "code,name,kind,parent_code,hostname,last_update,last_news,news_90d,last_report_year,"
    "contacts_complete,editors,status"
)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    now = timezone.make_aware(datetime.datetime(2026, 3, 1, 12, 0))
    monkeypatch.setattr(freshness, "current_time", lambda: now)
    return now


def run(*args):
    out = io.StringIO()
    call_command("freshness_report", *args, stdout=out)
    return out.getvalue()


def test_csv_columns_dates_and_statuses(known_region):  # noqa: F811
    text = run("--format", "csv")
    assert text.splitlines()[0] == HEADER
    rows = {row["code"]: row for row in csv.DictReader(io.StringIO(text))}
    assert list(rows) == sorted(rows), "by registry code"
    zh = known_region["zh"]
    assert rows["46-01"] == {
        "code": "46-01",
        "name": zh.name,
        "kind": "territorial",
        "parent_code": "46-0000",
        "hostname": zh.site.hostname,
        "last_update": "2026-02-26",
        "last_news": "2026-02-26",
        "news_90d": "1",
        "last_report_year": "",
        "contacts_complete": "нет",
        "editors": "0",
        "status": "актуален",
    }
    assert rows["46-01-003"]["status"] == "устаревает"
    assert rows["46-02"]["status"] == "пуст"
    assert rows["46-03"] | {"name": ""} == {
        "code": "46-03",
        "name": "",
        "kind": "territorial",
        "parent_code": "46-0000",
        "hostname": "",
        "last_update": "",
        "last_news": "",
        "news_90d": "0",
        "last_report_year": "",
        "contacts_complete": "нет",
        "editors": "0",
        "status": "нет сайта",
    }


def test_table_is_aligned_with_the_same_values(known_region):  # noqa: F811
    lines = run().splitlines()
    header, first = lines[0], lines[1]
    assert header.split() == HEADER.split(",")
    status_at = header.index("status")
    kind_at = header.index("kind")
    csv_rows = list(csv.reader(io.StringIO(run("--format", "csv"))))[1:]
    assert len(lines) == len(csv_rows) + 1
    for line, row in zip(lines[1:], csv_rows, strict=True):
        assert line.split("  ")[0] == row[0], "the code first"
        assert line[kind_at:].split()[0] == row[2], "each column starts where its header does"
        assert line[status_at:] == row[-1], "the status last, no trailing spaces"
    assert first.startswith("46-0000  ")


def test_status_filter_takes_several_russian_words(known_region):  # noqa: F811
    text = run("--format", "csv", "--status", "пуст", "устаревает")
    codes = [row["code"] for row in csv.DictReader(io.StringIO(text))]
    assert codes == ["46-01-003", "46-02"]
    text = run("--format", "csv", "--status", "нет сайта")
    assert {row["status"] for row in csv.DictReader(io.StringIO(text))} == {"нет сайта"}


def test_output_file_is_what_stdout_gets(known_region, tmp_path):  # noqa: F811
    path = tmp_path / "freshness.csv"
    message = run("--format", "csv", "--output", str(path))
    assert "Записано организаций: 12" in message
    assert path.read_bytes() == run("--format", "csv").encode()
    assert path.read_bytes().count(b"\r\n") == 13  # Python's csv: CRLF, as the admin's export


def test_xlsx_has_the_csv_rows(known_region, tmp_path):  # noqa: F811
    path = tmp_path / "freshness.xlsx"
    run("--format", "xlsx", "--output", str(path))
    sheet = openpyxl.load_workbook(path).active

    def text(value):
        if value is None:
            return ""
        if isinstance(value, datetime.datetime):
            return value.date().isoformat()
        return str(value)

    xlsx = [[text(value) for value in line] for line in sheet.iter_rows(values_only=True)]
    assert xlsx == list(csv.reader(io.StringIO(run("--format", "csv"))))
    assert isinstance(sheet["F3"].value, datetime.datetime), "dates are date cells"


def test_xlsx_needs_a_file(known_region):  # noqa: F811
    with pytest.raises(CommandError, match="только в файл"):
        run("--format", "xlsx")


def test_unknown_status_is_a_clear_error_and_writes_nothing(known_region, tmp_path):  # noqa: F811
    path = tmp_path / "out.csv"
    with pytest.raises(CommandError) as error:
        run("--format", "csv", "--output", str(path), "--status", "актуален", "свежий")
    assert str(error.value) == (
        "Неизвестный статус: «свежий». "
        "Допустимые: «актуален», «устаревает», «заброшен», «пуст», «нет сайта»."
    )
    assert not path.exists()
