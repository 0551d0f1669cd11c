"""The columns of «Актуальность сайтов», defined once: the admin table, its sorting, the CSV
and XLSX exports and `manage.py freshness_report` all read `COLUMNS`. A new column is one
more `Column` here (and its field on `OrganizationFreshness`, if it needs a new figure)."""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter

from django.db.models import F

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
    # What to sort by, among `status.annotated()`'s fields and annotations (None last); no
    # field: unsortable.
    sort_field: str | None = None
    cell: Cell = Cell.TEXT


COLUMNS = (
    Column(
        name="code",
        label="Код",
        attr="code",
        export_header="code",
        export=attrgetter("code"),
        sort_field="code",
    ),
    Column(
        name="name",
        label="Организация",
        attr="short_name",
        export_header="name",
        export=attrgetter("name"),  # the full name; the table shows the short one
        sort_field="search_name",  # folded, the short name first
        cell=Cell.NAME,
    ),
    Column(
        name="kind",
        label="Вид",
        attr="kind_label",
        export_header="kind",
        export=attrgetter("kind"),
        sort_field="kind_rank",  # regional, territorial, primary
    ),
    Column(
        name="parent",
        label="Вышестоящая",
        attr="parent_short_name",
        export_header="parent_code",
        export=attrgetter("parent_code"),
        sort_field="parent__search_name",
    ),
    Column(
        name="hostname",
        label="Сайт",
        attr="hostname",
        export_header="hostname",
        export=attrgetter("hostname"),
        sort_field="site__hostname",
        cell=Cell.SITE,
    ),
    Column(
        name="last_update",
        label="Последнее обновление",
        attr="last_update_date",
        export_header="last_update",
        export=attrgetter("last_update_date"),
        sort_field="freshness__last_update",  # the time: same-day updates in order
        cell=Cell.DATE,
    ),
    Column(
        name="last_news",
        label="Последняя новость",
        attr="last_news",
        export_header="last_news",
        export=attrgetter("last_news"),
        sort_field="freshness__last_news",
        cell=Cell.DATE,
    ),
    Column(
        name="news_recent",
        label="Новостей за 90 дней",
        attr="news_recent",
        export_header="news_90d",
        export=attrgetter("news_recent"),
        sort_field="news_recent",
    ),
    Column(
        name="last_report_year",
        label="Последний отчёт",
        attr="last_report_year",
        export_header="last_report_year",
        export=attrgetter("last_report_year"),
        sort_field="freshness__last_report_year",
    ),
    Column(
        name="contacts_complete",
        label="Контакты заполнены",
        attr="contacts_complete",
        export_header="contacts_complete",
        export=lambda row: YES if row.contacts_complete else NO,
        sort_field="contacts_ok",
        cell=Cell.YES_NO,
    ),
    Column(
        name="editors",
        label="Редакторов",
        attr="editors",
        export_header="editors",
        export=attrgetter("editors"),
        sort_field="editors",
    ),
    Column(
        name="status",
        label="Статус",
        attr="status",
        export_header="status",
        export=lambda row: str(row.status),  # the Russian word
        sort_field="status_rank",  # from the best to the worst
        cell=Cell.STATUS,
    ),
)
BY_NAME = {column.name: column for column in COLUMNS}
EXPORT_HEADERS = tuple(column.export_header for column in COLUMNS)
# The organization's own columns (registry and site): the public reports listing shows them too.
ORGANIZATION_COLUMNS = tuple(
    BY_NAME[name] for name in ("code", "name", "kind", "parent", "hostname")
)
DEFAULT_ORDERING = "code"


def export_row(row):
    """The row's values in the order of `COLUMNS`: dates as `date`, numbers as int,
    `contacts_complete` as «да»/«нет», the status as its Russian word, None for nothing."""
    return [column.export(row) for column in COLUMNS]


def order_by(ordering=DEFAULT_ORDERING):
    """The SQL order of the column named `ordering` ("-name" for descending; unknown or
    unsortable: the default), for `status.rows(order=…)`: the code breaks ties, and rows
    without a value go last in either direction."""
    column = BY_NAME.get((ordering or "").lstrip("-"))
    if column is None or column.sort_field is None:
        return (F(DEFAULT_ORDERING).asc(),)
    field = F(column.sort_field)
    if ordering.startswith("-"):
        return (field.desc(nulls_last=True), F("code").asc())
    return (field.asc(nulls_last=True), F("code").asc())
