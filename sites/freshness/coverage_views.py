"""The admin report «Охват сайтами», the presidium's table (sites/freshness/coverage.py): per
territorial organization its primaries in all, with a site and with a current one."""

from operator import attrgetter

from django.utils.functional import cached_property

from directory.models import Organization
from sites.freshness.columns import Column
from sites.freshness.coverage import coverage as compute_coverage
from sites.freshness.exports import save_workbook
from sites.freshness.public_reports import default_report_year
from sites.freshness.report_base import (
    RowTable,
    ScopedReportView,
    can_view_coverage,
    table_column,
)


def _percent(value):
    return "" if value is None else f"{value} %".replace(".", ",")


def _coverage_column(name, label, export_header=None, attr=None):
    return Column(
        name=name,
        label=label,
        attr=attr or name,
        export_header=export_header or label,
        export=attrgetter(name),
    )


# The coverage table and its exports, a `CoverageRow` per line; not sortable.
COVERAGE_COLUMNS = (
    _coverage_column("name", "Территориальная организация"),
    _coverage_column("site_status", "Сайт территориальной организации"),
    _coverage_column("primaries", "Первичных организаций"),
    _coverage_column("with_site", "С сайтом"),
    # The table shows «75,0 %», the exports the number.
    _coverage_column("percent", "Доля с сайтом", "Доля с сайтом, %", attr="percent_display"),
    _coverage_column("current", "С актуальной информацией"),
    # The year's public report (the previous calendar year's), of the territorial
    # organization and its primaries: published on the site, sent to social partners.
    _coverage_column("reports_published", "Опубликовали публичный отчёт"),
    _coverage_column("reports_sent", "Направили отчёт партнёрам"),
)


class CoverageView(ScopedReportView):
    """The presidium's table: per territorial organization, its primaries in all, with a
    site, the share with a site and those with current information; the region's totals and
    the territorial organizations without a site (regional admins only). A territorial
    editor sees the line of their own organization; primary editors are refused."""

    page_title = "Охват сайтами"
    header_icon = "site"
    index_url_name = "sites_freshness_coverage"
    index_results_url_name = "sites_freshness_coverage_results"
    results_template_name = "sites/freshness/coverage_results.html"
    allowed = staticmethod(can_view_coverage)
    table_class = RowTable
    paginate_by = 100  # the union has 2,000 territorial organizations; the region's total last
    export_filename = "ohvat-saitami"
    list_export = [column.name for column in COVERAGE_COLUMNS]
    export_headings = {column.name: column.export_header for column in COVERAGE_COLUMNS}
    columns = [table_column(column) for column in COVERAGE_COLUMNS]

    @cached_property
    def coverage(self):
        organizations = self.organizations.filter(
            kind__in=[Organization.Kind.TERRITORIAL, Organization.Kind.PRIMARY]
        )
        return compute_coverage(organizations, now=self.now, year=self.report_year)

    @cached_property
    def report_year(self):
        return default_report_year(self.now)

    def get_queryset(self):
        lines = [CoverageRow(line) for line in self.coverage.lines]
        if self.full_access:
            lines.append(CoverageRow(self.coverage.total))
        return lines

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["coverage"] = self.coverage
        context["full_access"] = self.full_access
        context["report_year"] = self.report_year
        return context

    def to_row_dict(self, item):
        return {column.name: column.export(item) for column in COVERAGE_COLUMNS}

    def write_xlsx(self, queryset, output):
        headings = [column.export_header for column in COVERAGE_COLUMNS]
        rows = [[column.export(item) for column in COVERAGE_COLUMNS] for item in queryset]
        sheets = [("Охват сайтами", headings, rows)]
        if self.full_access:
            sheets.append(
                (
                    "Территориальные без сайта",
                    ["Код", "Территориальная организация"],
                    [[row.code, row.short_name] for row in self.coverage.territorials_without_site],
                )
            )
        save_workbook(output, sheets)


class CoverageRow:
    """A coverage line as the table and the exports show it."""

    def __init__(self, line):
        self.line = line
        self.organization = line.organization
        self.name = line.name
        self.primaries = line.primaries
        self.with_site = line.with_site
        self.current = line.current
        self.percent = line.percent
        self.percent_display = _percent(line.percent)
        self.site_status = str(line.organization.status) if line.organization else ""
        self.reports_published = line.reports_published
        self.reports_sent = line.reports_sent
