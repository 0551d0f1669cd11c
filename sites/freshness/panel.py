"""The admin home panel «Актуальность сайтов», scoped as the freshness reports are: regional
admins get the counts by status, coverage, the stalest sites and a chart per territorial
organization; a territorial organization's editors the same for it and its primaries, and
what is missing on their own site; other editors their site's status and what it misses, in
words («нет новостей 45 дней»); anyone else no panel. Counted in SQL from the kept figures
(sites/freshness/summary.py), in a fixed number of queries: rows are made for the editor's
own sites, the territorial organizations of the chart and the stalest sites only. The chart
is an inline SVG (no script), with <title>s and a table for screen readers."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import F, Q
from django.urls import reverse
from django.utils.http import urlencode
from wagtail.admin.site_summary import PagesSummaryItem
from wagtail.admin.ui.components import Component
from wagtail.models import Page

from directory.models import ContactsPage, Organization
from home.kept import kept_for_network
from sites.freshness import status as freshness
from sites.freshness.coverage import coverage
from sites.freshness.public_reports import default_report_year
from sites.freshness.roots import pages_by_root
from sites.freshness.status import Status
from sites.network.roles import is_network_admin_once

STALEST_COUNT = 10

# Fill colours of the statuses in the chart and the legend. Each has a contrast of at least
# 4.5:1 with white (the chart's background and the 1px gap between segments), so segments
# stay distinguishable from the background and from each other (WCAG 1.4.11 needs 3:1).
STATUS_COLORS = {
    Status.CURRENT: "#1e7b34",
    Status.AGING: "#9a5800",
    Status.ABANDONED: "#b3261e",
    Status.EMPTY: "#525c6b",
    Status.NO_SITE: "#6b3fa0",
}

# Contacts page fields that members need, with their names in the «не заполнены» message.
CONTACT_FIELDS = (("address", "адрес"), ("phone", "телефон"), ("email", "e-mail"))
# `missing_items(gaps=UNKNOWN)`: which contact fields are empty was not looked up.
UNKNOWN = object()


# Words ---------------------------------------------------------------------------------------


def ru_plural(number, one, few, many):
    """The Russian form of a noun for `number`: 1 день, 2 дня, 5 дней, 11 дней, 21 день."""
    number = abs(number)
    if number % 10 == 1 and number % 100 != 11:
        return one
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return few
    return many


def days_text(number):
    """«1 день», «3 дня», «45 дней»."""
    return f"{number} {ru_plural(number, 'день', 'дня', 'дней')}"


def ago_text(number):
    """How long ago, in days: «сегодня», «вчера», «45 дней назад»."""
    if number == 0:
        return "сегодня"
    if number == 1:
        return "вчера"
    return f"{days_text(number)} назад"


# What is missing on a site -------------------------------------------------------------------


def contact_gaps(rows):
    """For the rows whose site's contacts are not complete: organization id → the names of
    the empty fields of its live contacts page (directly under the home page), or None when
    the site has no such page. One query per distinct root path length (in practice one)."""
    wanted = [row for row in rows if row.has_site and not row.contacts_complete]
    gaps = {row.organization_id: None for row in wanted}
    by_length = defaultdict(dict)
    for row in wanted:
        by_length[len(row.root_path)][row.root_path] = row.organization_id
    for length, roots in by_length.items():
        pages = (
            pages_by_root(ContactsPage, roots, length)
            .filter(live=True, depth=length // Page.steplen + 1)
            .values("root", *(name for name, _ in CONTACT_FIELDS))
        )
        for page in pages:
            if page["root"] in roots:  # past ROOT_LIST_LIMIT, other sites' pages come too
                gaps[roots[page["root"]]] = [
                    label for name, label in CONTACT_FIELDS if not page[name]
                ]
    return gaps


def missing_items(row, *, thresholds=None, report_year=None, gaps=UNKNOWN):
    """What an organization's editors should fix, in Russian, most important first.

    `gaps` are the empty contact fields from `contact_gaps()` (a list, or None for no contacts
    page); left out (UNKNOWN), incomplete contacts are reported without the fields."""
    thresholds = thresholds or freshness.Thresholds.from_settings()
    report_year = report_year or row.today.year - 1
    if not row.has_site:
        return ["сайта нет"]
    items = []
    if row.status == Status.EMPTY:
        items.append("сайт пуст: опубликованы только страницы шаблона")
    elif row.status in (Status.AGING, Status.ABANDONED):
        items.append(f"сайт не обновлялся {days_text(row.days_since_update)}")
    if row.last_news is None:
        items.append("нет новостей")
    else:
        news_days = (row.today - row.last_news).days
        if news_days > thresholds.current_days:
            items.append(f"нет новостей {days_text(news_days)}")
    if not row.has_report_for(report_year):
        items.append(f"нет публичного отчёта за {report_year} год")
    if not row.contacts_complete:
        if gaps is None:
            items.append("нет страницы контактов")
        elif gaps is UNKNOWN or not gaps:
            items.append("не заполнены контакты")
        else:
            items.append(f"не заполнены контакты: {', '.join(gaps)}")
    return items


# Building blocks of the panel ----------------------------------------------------------------


def report_url(**params):
    """The «Актуальность сайтов» report, filtered (see FreshnessFilterSet)."""
    url = reverse("sites_freshness")
    params = {key: value for key, value in params.items() if value not in (None, "")}
    return f"{url}?{urlencode(params)}" if params else url


def explore_url(row):
    return reverse("wagtailadmin_explore", args=[row.root_page_id]) if row.root_page_id else ""


def status_counts(counts, territorial=None):
    """The panel's figures of a Counter of statuses, with their colours and report links."""
    return [
        {
            "status": status,
            "count": counts[status],
            "color": STATUS_COLORS[status],
            "url": report_url(status=status.value, territorial=territorial),
        }
        for status in Status
    ]


def stalest(organizations, *, now=None, count=STALEST_COUNT):
    """The sites of `organizations` updated longest ago (never-published ones first), then by
    code: two queries."""
    order = (F("freshness__last_update").asc(nulls_first=True), F("code").asc())
    return freshness.rows(organizations.filter(site__isnull=False), now=now, order=order)[:count]


@dataclass(frozen=True)
class Segment:
    status: Status
    count: int
    x: float
    width: float
    color: str


@dataclass(frozen=True)
class ChartLine:
    """One territorial organization's bar: its own site and its primaries' by status."""

    name: str
    total: int
    counts: list  # (status, count) for every status, in Status order
    segments: list  # Segment, for the statuses present
    label_y: float
    bar_y: float


@dataclass(frozen=True)
class Chart:
    lines: list
    width: int
    height: int
    bar_height: int
    statuses: list  # (status, colour) for the legend and the table's columns


CHART_WIDTH = 600
BAR_HEIGHT = 16
LINE_HEIGHT = 44  # a label above a bar
CHART_BARS = 60  # territorial organizations; past this, a bar per region


def chart_bars(lines, limit=None):
    """(name, Counter of statuses) per bar: a territorial organization's bar counts itself and
    its primaries. Past `limit` (default CHART_BARS) territorial organizations, one bar per
    region instead (the whole union has 2,000 territorial organizations in 85 regions)."""
    bars = [
        (line.organization, line.statuses + Counter([line.organization.status])) for line in lines
    ]
    if len(bars) <= (limit or CHART_BARS):
        return [(organization.short_name, counts) for organization, counts in bars]
    regions = {}
    for organization, counts in bars:
        name = organization.parent_short_name or organization.short_name
        regions[name] = regions.get(name, Counter()) + counts
    return sorted(regions.items(), key=lambda bar: bar[0].casefold())


def status_chart(bars):
    """A stacked bar per (name, Counter of statuses) in `bars` (`chart_bars()`): each bar is
    the full width, split by the shares of the statuses. x and widths are numbers in the SVG's
    user units."""
    chart_lines = []
    for n, (name, counts) in enumerate(bars):
        total = counts.total()
        segments, done = [], 0
        for status in Status:
            if not counts[status]:
                continue
            x = round(CHART_WIDTH * done / total, 2)
            done += counts[status]
            end = round(CHART_WIDTH * done / total, 2)
            segments.append(Segment(status, counts[status], x, end - x, STATUS_COLORS[status]))
        chart_lines.append(
            ChartLine(
                name=name,
                total=total,
                counts=[(status, counts[status]) for status in Status],
                segments=segments,
                label_y=n * LINE_HEIGHT + 14,
                bar_y=n * LINE_HEIGHT + 20,
            )
        )
    return Chart(
        lines=chart_lines,
        width=CHART_WIDTH,
        height=max(len(chart_lines) * LINE_HEIGHT, 1),
        bar_height=BAR_HEIGHT,
        statuses=[(status, STATUS_COLORS[status]) for status in Status],
    )


def site_section(row, *, thresholds, report_year, gaps):
    return {
        "kind": "site",
        "row": row,
        "is_current": row.status == Status.CURRENT,
        "ago": ago_text(row.days_since_update) if row.last_update else "",
        "missing": missing_items(row, thresholds=thresholds, report_year=report_year, gaps=gaps),
        "explore_url": explore_url(row),
    }


def overview_section(organizations, *, heading, now, territorial=None):
    """Counts, coverage of the primaries, the stalest sites and the chart for `organizations`
    (the whole network, or a territorial organization with its primaries), counted in SQL:
    a fixed number of queries, and a row made only per territorial organization."""
    cover = coverage(organizations, now=now)
    line = cover.total
    if territorial is not None:
        line = next(
            (li for li in cover.lines if li.organization.organization_id == territorial), line
        )
    counts = freshness.status_counts(organizations, now=now)
    stale = [
        {
            "row": row,
            "ago": ago_text(row.days_since_update) if row.last_update else "",
            "explore_url": explore_url(row),
        }
        for row in stalest(organizations, now=now)
    ]
    return {
        "kind": "overview",
        "heading": heading,
        "total": counts.total(),
        "counts": status_counts(counts, territorial=territorial),
        "coverage": line,
        "report_url": report_url(territorial=territorial),
        "stalest": stale,
        "chart": status_chart(chart_bars(cover.lines)),
    }


def network_overview(now, thresholds):
    """The whole network's overview section (None without organizations), kept until the
    next generation (home/kept.py: any publish, registry or site change, and every renewal of
    the kept figures, sites/freshness/summary.py) and the next local day: it is the same for
    every network admin, and counting 30,000 organizations by status is four scans of them."""

    def build():
        organizations = Organization.objects.all()
        if not organizations.exists():
            return None
        return overview_section(organizations, heading="Все организации", now=now)

    today = freshness.today_of(now)
    name = (
        f"freshness-overview:{today.isoformat()}:{thresholds.current_days}:"
        f"{thresholds.stale_days}:{thresholds.news_days}"
    )
    return kept_for_network(name, build)


# The panel -----------------------------------------------------------------------------------


class FreshnessPanel(Component):
    """The dashboard panel; the figures are computed when it is rendered."""

    name = "freshness"
    order = 90  # above Wagtail's own panels (moderation 210+, recent edits 250)
    template_name = "sites/freshness/panel.html"

    def __init__(self, user, *, full_access, own):
        self.user = user
        self.full_access = full_access
        self.own = own  # the Organizations whose editors' group the user is in

    def sections(self):
        now = freshness.current_time()
        thresholds = freshness.Thresholds.from_settings()
        report_year = default_report_year(now)
        if self.full_access:
            network = network_overview(now, thresholds)
            return [network] if network is not None else []
        own_rows = freshness.freshness_rows(
            Organization.objects.filter(pk__in=[org.pk for org in self.own]), now=now
        )
        gaps = contact_gaps(own_rows)
        sections = []
        for row in own_rows:
            if row.kind == Organization.Kind.TERRITORIAL:
                scope = Organization.objects.filter(
                    Q(pk=row.organization_id) | Q(parent=row.organization_id)
                )
                sections.append(
                    overview_section(
                        scope,
                        heading=f"{row.short_name} и первичные организации",
                        now=now,
                        territorial=row.organization_id,
                    )
                )
            site = site_section(
                row,
                thresholds=thresholds,
                report_year=report_year,
                gaps=gaps.get(row.organization_id, UNKNOWN),
            )
            sections.append(site)
        return sections

    def get_context_data(self, parent_context):
        return {"sections": self.sections()}


def construct_homepage_panels(request, panels):
    """The `construct_homepage_panels` hook: the panel for those who have rows to see."""
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return
    full_access = is_network_admin_once(user)
    own = []
    if not full_access:
        own = list(Organization.objects.filter(editors_group__user=user).order_by("code"))
        if not own:
            return
    panels.append(FreshnessPanel(user, full_access=full_access, own=own))


def construct_homepage_summary_items(request, summary_items):
    """The `construct_homepage_summary_items` hook: network admins' admin home leaves out
    Wagtail's count of pages. Theirs is every page of the network (240,000 at 30,000 sites,
    counted on each view); the panel above counts organizations by status instead."""
    if is_network_admin_once(request.user):
        summary_items[:] = [
            item for item in summary_items if not isinstance(item, PagesSummaryItem)
        ]
