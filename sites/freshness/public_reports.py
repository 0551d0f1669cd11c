"""Public reports for a year: whether each organization has published its report
(a live `PublicReportPage` in its site), and where."""

from dataclasses import dataclass

from django.utils import timezone

from reports.models import PublicReportPage
from sites.freshness import status as freshness
from sites.freshness.roots import pages_by_root


@dataclass(frozen=True)
class PublicReportStatus:
    """Whether an organization has published its public report for `year`."""

    organization: freshness.OrganizationFreshness
    year: int
    page_id: int | None = None
    title: str = ""
    url: str = ""  # the live page's public URL

    @property
    def published(self):
        return self.page_id is not None


def default_report_year(now=None):
    """Public reports are published for the past year: the previous calendar year."""
    return timezone.localdate(now or freshness.current_time()).year - 1


def public_reports(organizations=None, year=None, *, now=None, rows=None):
    """For each organization of `organizations` (a QuerySet; all by default), its live public
    report for `year` (default: the previous calendar year) or none, in the order of the
    freshness rows (computed here unless given: then `organizations` is not used). A fixed
    number of queries: those of `freshness_rows()` and one more per root depth."""
    year = year or default_report_year(now)
    if rows is None:
        rows = freshness.freshness_rows(organizations, now=now)
    roots = {row.root_path for row in rows if row.has_site}
    found = {}
    for length in sorted({len(root) for root in roots}):
        reports = (
            pages_by_root(PublicReportPage, roots, length)
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
