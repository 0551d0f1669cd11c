"""The columns of «Актуальность сайтов», defined once: the admin table, its sorting, the CSV
and XLSX exports and `manage.py freshness_report` all read `COLUMNS`. A new column is one
more `Column` here (and its field on `OrganizationFreshness`, if it needs a new figure)."""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter

from directory.models import Organization
from sites.freshness.status import Status

YES, NO = "да", "нет"


class Cell(StrEnum):
    """How the admin table shows a column's value (sites/freshness/report_base.py)."""

    TEXT = "text"
    NAME = "name"  # the short name, the full name as its title
    SITE = "site"  # a link to the site, «нет сайта» without one
    DATE = "date"  # dd.mm.yyyy, machine-readable in <time datetime>
    YES_NO = "yes_no"  # «да» / «нет»
    STATUS = "status"  # a status tag, highlighted when «актуален»


@dataclass(frozen=True)
class Column:
    """One column of a report: what the admin table shows, how it sorts, what is exported."""

    name: str  # the column's id, and its ordering: ?ordering=name, ?ordering=-name
    label: str  # the admin table's heading
    attr: str  # the attribute of the row that the admin table shows
    export_header: str  # the heading in the CSV and XLSX exports and the command's table
    export: Callable  # row → exported value: text, a number, a date, or None for nothing
    sort_key: Callable | None = None  # row → what to sort by (None sorts last); None: unsorted
    cell: Cell = Cell.TEXT


def _parent(row):
    return row.parent_short_name.casefold() if row.parent_id else None


COLUMNS = (
    Column("code", "Код", "code", "code", attrgetter("code"), attrgetter("code")),
    Column(
        "name",
        "Организация",
        "short_name",
        "name",  # the exports carry the full name, the table shows the short one
        attrgetter("name"),
        lambda row: row.short_name.casefold(),
        Cell.NAME,
    ),
    Column(
        "kind",
        "Вид",
        "kind_label",
        "kind",
        attrgetter("kind"),
        lambda row: list(Organization.Kind).index(row.kind),
    ),
    Column("parent", "Вышестоящая", "parent_short_name", "parent_code", attrgetter("parent_code"), _parent),
    Column(
        "hostname",
        "Сайт",
        "hostname",
        "hostname",
        attrgetter("hostname"),
        lambda row: row.hostname or None,
        Cell.SITE,
    ),
    Column(
        "last_update",
        "Последнее обновление",
        "last_update_date",
        "last_update",
        attrgetter("last_update_date"),
        attrgetter("last_update"),  # the exact time, so that one day's updates keep their order
        Cell.DATE,
    ),
    Column(
        "last_news",
        "Последняя новость",
        "last_news",
        "last_news",
        attrgetter("last_news"),
        attrgetter("last_news"),
        Cell.DATE,
    ),
    Column(
        "news_recent",
        "Новостей за 90 дней",
        "news_recent",
        "news_90d",
        attrgetter("news_recent"),
        attrgetter("news_recent"),
    ),
    Column(
        "last_report_year",
        "Последний отчёт",
        "last_report_year",
        "last_report_year",
        attrgetter("last_report_year"),
        attrgetter("last_report_year"),
    ),
    Column(
        "contacts_complete",
        "Контакты заполнены",
        "contacts_complete",
        "contacts_complete",
        lambda row: YES if row.contacts_complete else NO,
        attrgetter("contacts_complete"),
        Cell.YES_NO,
    ),
    Column("editors", "Редакторов", "editors", "editors", attrgetter("editors"), attrgetter("editors")),
    Column(
        "status",
        "Статус",
        "status",
        "status",
        lambda row: str(row.status),
        lambda row: Status.rank(row.status),
        Cell.STATUS,
    ),
)
BY_NAME = {column.name: column for column in COLUMNS}
EXPORT_HEADERS = tuple(column.export_header for column in COLUMNS)
# The organization's own columns (registry and site): the public reports listing shows them too.
ORGANIZATION_COLUMNS = tuple(BY_NAME[name] for name in ("code", "name", "kind", "parent", "hostname"))
DEFAULT_ORDERING = "code"


def export_row(row):
    """The row's values in the order of `COLUMNS`: dates as `date`, numbers as int,
    `contacts_complete` as «да»/«нет», the status as its Russian word, None for nothing."""
    return [column.export(row) for column in COLUMNS]


def sort_rows(rows, ordering=DEFAULT_ORDERING):
    """The rows sorted by the column named `ordering`, "-name" for descending; the code breaks
    ties, and rows without a value (None) go last in either direction."""
    descending = ordering.startswith("-")
    key = BY_NAME[ordering.lstrip("-")].sort_key
    rows = sorted(rows, key=lambda row: row.code)
    present = [row for row in rows if key(row) is not None]
    missing = [row for row in rows if key(row) is None]
    return sorted(present, key=key, reverse=descending) + missing
