"""Freshness of the organizations' sites: how recently each was updated, and coverage.

One path for the admin reports (sites/freshness_views.py), the `freshness_report` command,
and whatever else needs the figures (the admin home panel, reminders): call
`freshness_rows()` and read the `OrganizationFreshness` rows it returns.

Everything comes from page data, never from Wagtail's log entries (imported and platform-made
pages have none). The pages of a site are those whose `Page.path` starts with the path of the
site's root page. Site trees are flat (DESIGN.md), but nothing here assumes a depth: pages
are grouped by the prefix of their path that is as long as a root's path, one aggregate query
per page type and per distinct root depth (in practice one), whatever the number of
organizations. `freshness_rows()` runs a fixed number of queries: the organizations, the
latest publication per site, the news per site, the public report years per site, the sites
whose contacts page is complete, and the editors per group. Callers filter (`filter_rows()`)
and sort (`sort_rows()`) the rows in Python; `export_values()` maps a row to the columns of
the CSV/XLSX exports, the same for the admin and the command.

Status (`Status`), from the number of days between the local date of the latest
`last_published_at` in the site's tree and today (the installation's time zone):

- «актуален»: at most ``FRESHNESS_CURRENT_DAYS`` (30) days; so 30 days is still current;
- «устаревает»: more than that, at most ``FRESHNESS_STALE_DAYS`` (90): 31 to 90 days;
- «заброшен»: more than ``FRESHNESS_STALE_DAYS``: 91 days and more;
- «пуст»: a site exists but nothing beyond the site template was ever published. Onboarding
  publishes every copied page with one timestamp (sites/onboarding.py), so the site is empty
  when its latest publication is no later than `EMPTY_TOLERANCE` after its home page's
  `first_published_at` (or nothing in it was ever published). Republishing the home page
  later moves its `last_published_at`, not its `first_published_at`: that is an update;
- «нет сайта»: the organization has no `Site` (never onboarded, or taken off line).
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Count, F, Max, Q
from django.db.models.functions import Substr
from django.utils import timezone
from wagtail.models import Page

from directory.models import ContactsPage, Organization
from news.models import NewsPage
from reports.models import PublicReportPage
from sites.network.roles import is_network_admin

# Onboarding stamps all copied pages with one `now`; a minute covers a slow transaction.
EMPTY_TOLERANCE = timedelta(minutes=1)


def current_time():
    """The reports' clock: the admin views, the command and `freshness_rows()` without `now`
    read it. Tests replace it to fix "today"."""
    return timezone.now()


class Status(models.TextChoices):
    """The freshness status, as the Russian word used in the admin, exports and the command.
    Declared from the best to the worst: `Status.rank()` sorts by it."""

    CURRENT = "актуален", "актуален"
    AGING = "устаревает", "устаревает"
    ABANDONED = "заброшен", "заброшен"
    EMPTY = "пуст", "пуст"
    NO_SITE = "нет сайта", "нет сайта"

    @classmethod
    def rank(cls, status):
        return list(cls).index(status)


@dataclass(frozen=True)
class Thresholds:
    """Days, from the settings unless given: see the module docstring for the boundaries."""

    current_days: int
    stale_days: int
    news_days: int

    @classmethod
    def from_settings(cls):
        return cls(
            current_days=settings.FRESHNESS_CURRENT_DAYS,
            stale_days=settings.FRESHNESS_STALE_DAYS,
            news_days=settings.FRESHNESS_NEWS_DAYS,
        )


def status_for_days(days, thresholds=None):
    """The status of a site whose latest publication was `days` days ago (not empty)."""
    thresholds = thresholds or Thresholds.from_settings()
    if days <= thresholds.current_days:
        return Status.CURRENT
    if days <= thresholds.stale_days:
        return Status.AGING
    return Status.ABANDONED


@dataclass(frozen=True, slots=True)
class OrganizationFreshness:
    """One organization's freshness, as of `today`. Registry fields are copied so that the
    row can be shown and exported without touching the database again."""

    organization_id: int
    code: str
    name: str  # the full name (the registry's `name`)
    short_name: str
    kind: str  # Organization.Kind value: "regional", "territorial", "primary"
    parent_id: int | None
    parent_code: str  # "" for the regional organization
    parent_short_name: str
    editors_group_id: int | None
    site_id: int | None
    hostname: str  # the Site's hostname, "" without a site
    site_url: str  # the Site's root URL with a trailing slash, "" without a site
    root_page_id: int | None
    root_path: str  # Page.path of the site's root page, "" without a site
    root_url_path: str  # its Page.url_path, "" without a site
    last_update: datetime | None  # the latest last_published_at in the site's tree
    last_news: date | None  # the latest `date` of a live news item
    news_recent: int  # live news dated within the last `news_days` days
    report_years: frozenset  # years of the live public reports
    contacts_complete: bool  # see `freshness_rows()`
    editors: int  # active users in the editors' group
    status: Status
    today: date

    @property
    def has_site(self):
        return self.site_id is not None

    @property
    def kind_label(self):
        return Organization.Kind(self.kind).label

    @property
    def last_update_date(self):
        """The local date of the latest publication, or None."""
        return timezone.localdate(self.last_update) if self.last_update else None

    @property
    def days_since_update(self):
        date_ = self.last_update_date
        return None if date_ is None else (self.today - date_).days

    @property
    def last_report_year(self):
        return max(self.report_years, default=None)

    def has_report_for(self, year):
        return year in self.report_years


# Scope: who sees which rows ------------------------------------------------------------------


# Superusers and regional admins see every organization.
has_full_access = is_network_admin


def visible_organizations(user):
    """The organizations whose freshness `user` may see: all for superusers and regional
    admins; for an editor, the organizations whose editors' group they are in and, for a
    territorial organization, its primaries; nothing for anyone else."""
    organizations = Organization.objects.all()
    if has_full_access(user):
        return organizations
    if not user.is_authenticated or not user.is_active:
        return organizations.none()
    own = Organization.objects.filter(editors_group__user=user)
    territorial = own.filter(kind=Organization.Kind.TERRITORIAL)
    return organizations.filter(Q(pk__in=own.values("pk")) | Q(parent__in=territorial))


# Computation ---------------------------------------------------------------------------------


# Up to this many site roots, the aggregates are limited to their pages by a list of root paths;
# past it, they scan every page and ignore the roots not asked for. A filter by a subquery of
# the organizations would be one plan for both, but PostgreSQL misjudges that semi-join on a
# computed prefix and takes seconds on 2,000 sites.
ROOT_LIST_LIMIT = 500


def _by_root(model, roots, length):
    """`model` pages under the site roots `roots` (paths of length `length`), with their
    root's path as `root`. Unordered: treebeard orders pages by path, which would otherwise
    end up in the GROUP BY of the aggregates."""
    pages = (
        model.objects.order_by()
        .filter(depth__gte=length // Page.steplen)
        .annotate(root=Substr("path", 1, length))
    )
    roots = [root for root in roots if len(root) == length]
    if len(roots) <= ROOT_LIST_LIMIT:
        pages = pages.filter(root__in=roots)
    return pages


def freshness_rows(organizations=None, *, now=None, thresholds=None):
    """One `OrganizationFreshness` per organization of `organizations` (a QuerySet of
    `Organization`; all by default), ordered by code. At most six queries whatever the number
    of organizations (two, plus four per distinct depth of the site roots: one with flat
    trees); fewer when there is nothing to aggregate.

    `now` (an aware datetime; default: `current_time()`) fixes "today" for the statuses and
    the news window; `thresholds` default to the settings.

    - `last_update`: the latest `last_published_at` of any page in the site's tree, live or
      since unpublished (publishing it was an update all the same);
    - `last_news`, `news_recent`: the latest `date` of the live news items, and how many are
      dated within the last `news_days` days (today minus `news_days` included);
    - `report_years`: the years of the live public reports;
    - `contacts_complete`: the site's live contacts page (directly under its home page) has
      an address, a phone and an e-mail: that is what members see and editors keep up to
      date; an organization without a site is judged by its registry entry;
    - `editors`: the active users of its editors' group.
    """
    organizations = Organization.objects.all() if organizations is None else organizations
    thresholds = thresholds or Thresholds.from_settings()
    today = timezone.localdate(now or current_time())
    # Plain values, not model instances: a tenth of the time for a few thousand rows.
    orgs = list(
        organizations.order_by("code").values(
            "pk",
            "code",
            "name",
            "short_name",
            "kind",
            "parent_id",
            "editors_group_id",
            "site_id",
            "address",
            "phone",
            "email",
            parent_code=F("parent__code"),
            parent_short_name=F("parent__short_name"),
            site_hostname=F("site__hostname"),
            port=F("site__port"),
            root_page_id=F("site__root_page_id"),
            root_path=F("site__root_page__path"),
            root_url_path=F("site__root_page__url_path"),
            root_first_published=F("site__root_page__first_published_at"),
        )
    )
    roots = {org["root_path"] for org in orgs if org["site_id"] and org["root_path"]}
    lengths = {len(root) for root in roots}
    last_update, last_news, news_recent = {}, {}, {}
    report_years, complete_contacts = defaultdict(set), set()
    since = today - timedelta(days=thresholds.news_days)
    for length in sorted(lengths):
        pages = _by_root(Page, roots, length).values("root").annotate(last=Max("last_published_at"))
        last_update.update((row["root"], row["last"]) for row in pages)
        news = (
            _by_root(NewsPage, roots, length)
            .filter(live=True)
            .values("root")
            .annotate(last=Max("date"), recent=Count("pk", filter=Q(date__gte=since)))
        )
        for row in news:
            last_news[row["root"]], news_recent[row["root"]] = row["last"], row["recent"]
        reports = (
            _by_root(PublicReportPage, roots, length)
            .filter(live=True)
            .values_list("root", "year")
            .distinct()
        )
        for root, year in reports:
            report_years[root].add(year)
        contacts = (
            _by_root(ContactsPage, roots, length)
            .filter(live=True, depth=length // Page.steplen + 1)
            .exclude(address="")
            .exclude(phone="")
            .exclude(email="")
            .values_list("root", flat=True)
        )
        complete_contacts.update(contacts)
    groups = [org["editors_group_id"] for org in orgs if org["editors_group_id"]]
    memberships = get_user_model().groups.through.objects.filter(user__is_active=True)
    if len(groups) <= ROOT_LIST_LIMIT:
        memberships = memberships.filter(group__in=groups)
    editors = dict(
        memberships.values("group")
        .annotate(n=Count("user", distinct=True))
        .values_list("group", "n")
    )

    rows = []
    for org in orgs:
        root = org["root_path"]
        has_site = org["site_id"] is not None and root is not None
        updated = last_update.get(root) if has_site else None
        first_published = org["root_first_published"]
        if not has_site:
            status = Status.NO_SITE
        elif updated is None or (
            first_published is not None and updated <= first_published + EMPTY_TOLERANCE
        ):
            status = Status.EMPTY
        else:
            status = status_for_days((today - timezone.localdate(updated)).days, thresholds)
        if has_site:
            contacts_ok = root in complete_contacts
        else:
            contacts_ok = bool(org["address"] and org["phone"] and org["email"])
        rows.append(
            OrganizationFreshness(
                organization_id=org["pk"],
                code=org["code"],
                name=org["name"],
                short_name=org["short_name"],
                kind=org["kind"],
                parent_id=org["parent_id"],
                parent_code=org["parent_code"] or "",
                parent_short_name=org["parent_short_name"] or "",
                editors_group_id=org["editors_group_id"],
                site_id=org["site_id"] if has_site else None,
                hostname=org["site_hostname"] if has_site else "",
                site_url=_root_url(org["site_hostname"], org["port"]) if has_site else "",
                root_page_id=org["root_page_id"] if has_site else None,
                root_path=root if has_site else "",
                root_url_path=org["root_url_path"] if has_site else "",
                last_update=updated,
                last_news=last_news.get(root) if has_site else None,
                news_recent=news_recent.get(root, 0) if has_site else 0,
                report_years=frozenset(report_years.get(root, ())) if has_site else frozenset(),
                contacts_complete=contacts_ok,
                editors=editors.get(org["editors_group_id"], 0),
                status=status,
                today=today,
            )
        )
    return rows


def _root_url(hostname, port):
    """As `Site.root_url`, with a trailing slash."""
    if port == 80:
        return f"http://{hostname}/"
    if port == 443:
        return f"https://{hostname}/"
    return f"http://{hostname}:{port}/"


# Filtering and sorting rows ------------------------------------------------------------------


def filter_rows(rows, *, statuses=None, missing_report_year=None, query=""):
    """The rows with one of `statuses`, without a live public report for
    `missing_report_year`, and whose code, name or short name contains `query` (any case)."""
    if statuses:
        statuses = {Status(status) for status in statuses}
        rows = [row for row in rows if row.status in statuses]
    if missing_report_year:
        rows = [row for row in rows if not row.has_report_for(missing_report_year)]
    query = (query or "").strip().casefold()
    if query:
        rows = [
            row
            for row in rows
            if query in row.code.casefold()
            or query in row.name.casefold()
            or query in row.short_name.casefold()
        ]
    return rows


def _text(value):
    return value.casefold()


# Sort keys of the rows, by ordering name; the code breaks ties. Values that may be missing
# (None) go last in either direction.
SORT_KEYS = {
    "code": lambda row: row.code,
    "name": lambda row: _text(row.short_name),
    "kind": lambda row: list(Organization.Kind).index(row.kind),
    "parent": lambda row: _text(row.parent_short_name) if row.parent_id else None,
    "hostname": lambda row: row.hostname or None,
    "last_update": lambda row: row.last_update,
    "last_news": lambda row: row.last_news,
    "news_recent": lambda row: row.news_recent,
    "last_report_year": lambda row: row.last_report_year,
    "contacts_complete": lambda row: row.contacts_complete,
    "editors": lambda row: row.editors,
    "status": lambda row: Status.rank(row.status),
}
DEFAULT_ORDERING = "code"


def sort_rows(rows, ordering=DEFAULT_ORDERING):
    """The rows sorted by one of `SORT_KEYS`, "-name" for descending."""
    descending = ordering.startswith("-")
    key = SORT_KEYS[ordering.lstrip("-")]
    rows = sorted(rows, key=lambda row: row.code)
    present = [row for row in rows if key(row) is not None]
    missing = [row for row in rows if key(row) is None]
    return sorted(present, key=key, reverse=descending) + missing


# Export: one mapping of a row to values for the admin's CSV/XLSX and the command ------------

EXPORT_COLUMNS = (
    "code",
    "name",
    "kind",
    "parent_code",
    "hostname",
    "last_update",
    "last_news",
    "news_90d",
    "last_report_year",
    "contacts_complete",
    "editors",
    "status",
)
YES, NO = "да", "нет"


def export_values(row):
    """The row as `EXPORT_COLUMNS` → value: dates as `date` (None when none), numbers as int,
    `contacts_complete` as «да»/«нет», the status as its Russian word."""
    return {
        "code": row.code,
        "name": row.name,
        "kind": row.kind,
        "parent_code": row.parent_code,
        "hostname": row.hostname,
        "last_update": row.last_update_date,
        "last_news": row.last_news,
        "news_90d": row.news_recent,
        "last_report_year": row.last_report_year,
        "contacts_complete": YES if row.contacts_complete else NO,
        "editors": row.editors,
        "status": str(row.status),
    }


def csv_value(value):
    """Dates as ISO YYYY-MM-DD, None as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
    writer.writerow(EXPORT_COLUMNS)
    yield _pop(buffer)
    for row in rows:
        values = export_values(row)
        writer.writerow([csv_value(csv_cell(values[column])) for column in EXPORT_COLUMNS])
        yield _pop(buffer)


def _pop(buffer):
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def write_xlsx(rows, output, *, title="Актуальность сайтов"):
    """The XLSX export: the same columns and values as the CSV, dates as date cells shown as
    YYYY-MM-DD, missing values as empty cells."""
    sheet_rows = [[export_values(row)[column] for column in EXPORT_COLUMNS] for row in rows]
    save_workbook(output, [(title, list(EXPORT_COLUMNS), sheet_rows)])


def save_workbook(output, sheets):
    """Write (title, headings, rows) sheets as an XLSX workbook to `output` (a path or file).
    Text that looks like a formula stays text."""
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


# Coverage: the presidium's table -------------------------------------------------------------


@dataclass(frozen=True)
class CoverageLine:
    """A territorial organization's line (or the region's totals, with `organization` None):
    its primary organizations in all, with a site, and with a current site."""

    organization: OrganizationFreshness | None
    primaries: int
    with_site: int
    current: int

    @property
    def name(self):
        return self.organization.short_name if self.organization else "Итого по области"

    @property
    def percent(self):
        """Primaries with a site, in percent with one decimal (None when there are none)."""
        return percent(self.with_site, self.primaries)

    @property
    def current_percent(self):
        return percent(self.current, self.primaries)


def percent(part, whole):
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Coverage:
    lines: list  # CoverageLine per territorial organization, by short name
    total: CoverageLine
    territorials_without_site: list = field(default_factory=list)  # OrganizationFreshness

    @property
    def territorials(self):
        return len(self.lines)

    @property
    def territorials_with_site(self):
        return sum(1 for line in self.lines if line.organization.has_site)


def coverage(organizations=None, *, now=None, thresholds=None, rows=None):
    """Coverage per territorial organization of `organizations` (all by default), from the
    freshness rows (computed here unless given): primaries whose parent is not among the
    territorial organizations are left out. A fixed number of queries."""
    if rows is None:
        organizations = Organization.objects.all() if organizations is None else organizations
        organizations = organizations.exclude(kind=Organization.Kind.REGIONAL)
        rows = freshness_rows(organizations, now=now, thresholds=thresholds)
    territorials = sorted(
        (row for row in rows if row.kind == Organization.Kind.TERRITORIAL),
        key=lambda row: (_text(row.short_name), row.code),
    )
    primaries = defaultdict(list)
    for row in rows:
        if row.kind == Organization.Kind.PRIMARY:
            primaries[row.parent_id].append(row)
    lines = []
    for territorial in territorials:
        own = primaries[territorial.organization_id]
        lines.append(
            CoverageLine(
                organization=territorial,
                primaries=len(own),
                with_site=sum(1 for row in own if row.has_site),
                current=sum(1 for row in own if row.status == Status.CURRENT),
            )
        )
    total = CoverageLine(
        organization=None,
        primaries=sum(line.primaries for line in lines),
        with_site=sum(line.with_site for line in lines),
        current=sum(line.current for line in lines),
    )
    without_site = [line.organization for line in lines if not line.organization.has_site]
    return Coverage(lines=lines, total=total, territorials_without_site=without_site)


# Public reports for a year -------------------------------------------------------------------


@dataclass(frozen=True)
class PublicReportStatus:
    """Whether an organization has published its public report for `year`."""

    organization: OrganizationFreshness
    year: int
    page_id: int | None = None
    title: str = ""
    url: str = ""  # the live page's public URL

    @property
    def published(self):
        return self.page_id is not None


def default_report_year(now=None):
    """Public reports are published for the past year: the previous calendar year."""
    return timezone.localdate(now or current_time()).year - 1


def public_reports(organizations=None, year=None, *, now=None, rows=None):
    """For each organization of `organizations` (a QuerySet; all by default), its live public
    report for `year` (default: the previous calendar year) or none, in the order of the
    freshness rows (computed here unless given: then `organizations` is not used). A fixed
    number of queries: those of `freshness_rows()` and one more per root depth."""
    year = year or default_report_year(now)
    if rows is None:
        rows = freshness_rows(organizations, now=now)
    roots = {row.root_path for row in rows if row.has_site}
    found = {}
    for length in sorted({len(root) for root in roots}):
        reports = (
            _by_root(PublicReportPage, roots, length)
            .filter(live=True, year=year)
            .order_by("path")
            .values_list("root", "pk", "title", "url_path")
        )
        for root, pk, title, url_path in reports:
            found.setdefault(root, (pk, title, url_path))
    result = []
    for row in rows:
        report = found.get(row.root_path) if row.has_site else None
        if report is None:
            result.append(PublicReportStatus(row, year))
            continue
        pk, title, url_path = report
        url = row.site_url + url_path[len(row.root_url_path) :]
        result.append(PublicReportStatus(row, year, pk, title, url))
    return result
