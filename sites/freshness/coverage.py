"""Coverage, the presidium's table: per territorial organization, how many of its primary
organizations have a site and how many a current one, with the region's totals."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from directory.models import Organization
from sites.freshness.status import OrganizationFreshness, Status, freshness_rows


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
        key=lambda row: (row.short_name.casefold(), row.code),
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
