"""Coverage, the presidium's table: per territorial organization, how many of its primary
organizations have a site and how many a current one, and how many of its organizations (it
and its primaries) published the year's public report and sent it to social partners, with
the region's totals."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, F, When

from directory.models import Organization
from home.listing import PathPrefix
from home.tree_top import TOP_LENGTH
from partners.models import ReportSending
from reports.models import PublicReportPage
from sites.freshness.status import Status, with_status


@dataclass(frozen=True)
class Territorial:
    """What a coverage line shows of its territorial organization: its names and its own
    site's status (no other figure: coverage is read for 2,000 of them nationally)."""

    organization_id: int
    code: str
    short_name: str
    parent_short_name: str
    has_site: bool
    status: Status


@dataclass(frozen=True)
class CoverageLine:
    """A territorial organization's line (or the region's totals, with `organization` None):
    its primary organizations in all, with a site, and with a current site; `statuses`
    counts its primaries by status."""

    organization: Territorial | None
    primaries: int
    with_site: int
    current: int
    statuses: Counter = field(default_factory=Counter)
    reports_published: int = 0  # of the territorial organization and its primaries
    reports_sent: int = 0

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
    territorials_without_site: list = field(default_factory=list)  # Territorial

    @property
    def territorials(self):
        return len(self.lines)

    @property
    def territorials_with_site(self):
        return sum(1 for line in self.lines if line.organization.has_site)


def primaries_by_status(organizations, *, now=None, thresholds=None):
    """parent id → a Counter of the statuses of its primary organizations among
    `organizations`: one GROUP BY query."""
    counts = defaultdict(Counter)
    grouped = (
        with_status(
            organizations.filter(kind=Organization.Kind.PRIMARY), now=now, thresholds=thresholds
        )
        .order_by()
        .values_list("parent_id", "status_value")
        .annotate(n=Count("pk"))
    )
    for parent_id, status, n in grouped:
        counts[parent_id][Status(status)] += n
    return counts


def territorials_of(organizations, *, now=None, thresholds=None):
    """The territorial organizations among `organizations` as `Territorial`s, by name: one
    query of the registry and the kept figures."""
    values = (
        with_status(
            organizations.filter(kind=Organization.Kind.TERRITORIAL), now=now, thresholds=thresholds
        )
        .order_by("search_name", "code")
        .values_list("pk", "code", "short_name", "site_id", "status_value", F("parent__short_name"))
    )
    return [
        Territorial(
            organization_id=pk,
            code=code,
            short_name=short_name,
            parent_short_name=parent_short_name or "",
            has_site=site_id is not None,
            status=Status(status),
        )
        for pk, code, short_name, site_id, status, parent_short_name in values
    ]


def reports_by_territorial(organizations, year):
    """(published, sent): territorial id → how many of `organizations` in its group (itself
    and its primaries) published a public report for `year`, and sent it to a partner. Two
    GROUP BY queries: a report is its organization's by its home page's path."""
    group = Case(When(kind=Organization.Kind.TERRITORIAL, then=F("pk")), default=F("parent_id"))
    roots = (
        PublicReportPage.objects.filter(live=True, year=year)
        .annotate(root=PathPrefix("path", TOP_LENGTH))
        .values("root")
    )
    sent = ReportSending.objects.filter(year=year, ok=True).values("organization_id")
    found = []
    for condition in ({"site__root_page__path__in": roots}, {"pk__in": sent}):
        rows = (
            organizations.filter(**condition)
            .annotate(group=group)
            .order_by()
            .values_list("group")
            .annotate(n=Count("pk"))
        )
        found.append(dict(rows))
    return found


def coverage(organizations=None, *, now=None, thresholds=None, year=None):
    """Coverage per territorial organization of `organizations` (all by default): primaries
    whose parent is not among the territorial organizations are left out. Two queries,
    counted in SQL: a small `Territorial` is made per territorial organization, nothing per
    primary."""
    organizations = Organization.objects.all() if organizations is None else organizations
    organizations = organizations.exclude(kind=Organization.Kind.REGIONAL)
    territorials = territorials_of(organizations, now=now, thresholds=thresholds)
    by_parent = primaries_by_status(organizations, now=now, thresholds=thresholds)
    published, sent = reports_by_territorial(organizations, year) if year else ({}, {})
    lines = []
    for territorial in territorials:
        statuses = by_parent.get(territorial.organization_id, Counter())
        lines.append(
            CoverageLine(
                organization=territorial,
                primaries=statuses.total(),
                with_site=statuses.total() - statuses[Status.NO_SITE],
                current=statuses[Status.CURRENT],
                statuses=statuses,
                reports_published=published.get(territorial.organization_id, 0),
                reports_sent=sent.get(territorial.organization_id, 0),
            )
        )
    total = CoverageLine(
        organization=None,
        primaries=sum(line.primaries for line in lines),
        with_site=sum(line.with_site for line in lines),
        current=sum(line.current for line in lines),
        statuses=sum((line.statuses for line in lines), Counter()),
        reports_published=sum(line.reports_published for line in lines),
        reports_sent=sum(line.reports_sent for line in lines),
    )
    without_site = [line.organization for line in lines if not line.organization.has_site]
    return Coverage(lines=lines, total=total, territorials_without_site=without_site)
