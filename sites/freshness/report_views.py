"""The admin reports «Актуальность сайтов» (a row per organization, its figures and status)
and «Публичные отчёты организаций» (who has published the public report for a year)."""

import django_filters
from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import HeaderButton

from sites.freshness import exports
from sites.freshness import status as freshness
from sites.freshness.columns import (
    COLUMNS,
    DEFAULT_ORDERING,
    EXPORT_HEADERS,
    NO,
    ORGANIZATION_COLUMNS,
    YES,
    order_by,
)
from sites.freshness.public_reports import public_reports
from sites.freshness.report_base import (
    ForYear,
    RowFilterSet,
    RowTable,
    ScopedReportView,
    can_view_coverage,
    table_column,
    year_filter,
)
from sites.freshness.status import Status

# «Актуальность сайтов» -----------------------------------------------------------------------


def beside_the_name(columns, name):
    """`columns` with the one called `name` moved to right after the organization's name."""
    moved = next(column for column in columns if column.name == name)
    rest = [column for column in columns if column is not moved]
    at = next(number for number, column in enumerate(rest) if column.name == "name") + 1
    return [*rest[:at], moved, *rest[at:]]


class FreshnessFilterSet(RowFilterSet):
    row_filters = ("status", "no_report_year")

    status = django_filters.ChoiceFilter(
        label="Статус",
        choices=Status.choices,
        empty_label="Все",
        widget=forms.RadioSelect,
        method="keep",
    )
    no_report_year = django_filters.NumberFilter(
        label="Нет публичного отчёта за год",
        method="keep",
        min_value=1990,
        max_value=2100,
    )

    class Meta(RowFilterSet.Meta):
        fields = ["kind", "territorial", "status", "no_report_year"]


class FreshnessReportView(ScopedReportView):
    """A row per organization (those without a site included): how recently its site was
    updated, its news, public reports, contacts, editors and status. Sortable by every
    column, filtered, searched by name or code, exported to CSV and XLSX with the same
    columns and values as `manage.py freshness_report`."""

    page_title = "Актуальность сайтов"
    header_icon = "time"
    index_url_name = "sites_freshness"
    index_results_url_name = "sites_freshness_results"
    results_template_name = "sites/freshness/freshness_results.html"
    filterset_class = FreshnessFilterSet
    table_class = RowTable
    is_searchable = True  # by code, full or short name: see freshness.filtered()
    default_ordering = DEFAULT_ORDERING
    list_export = list(EXPORT_HEADERS)  # shows the export buttons; stream_csv() writes them
    export_filename = "aktualnost-saitov"

    # On screen the status is beside the name (a laptop's width shows it without scrolling);
    # the exports keep the command's order (sites/freshness/columns.py).
    columns = [table_column(column) for column in beside_the_name(COLUMNS, "status")]

    @cached_property
    def header_buttons(self):
        buttons = [
            HeaderButton(
                "Публичные отчёты",
                url=reverse("sites_freshness_public_reports"),
                icon_name="doc-full",
                priority=20,
            )
        ]
        if can_view_coverage(self.request.user):
            buttons.insert(
                0,
                HeaderButton(
                    "Охват сайтами",
                    url=reverse("sites_freshness_coverage"),
                    icon_name="site",
                    priority=10,
                ),
            )
        return buttons

    def get_queryset(self):
        values = self.filters.row_filter_values() if self.filters else {}
        return freshness.rows(
            self.filtered_organizations(),
            now=self.now,
            statuses=[values["status"]] if values.get("status") else None,
            missing_report_year=values.get("no_report_year"),
            query=self.search_query,
            order=order_by(self.ordering),
        )

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["thresholds"] = freshness.Thresholds.from_settings()
        return context

    def stream_csv(self, queryset):
        return exports.csv_lines(queryset)

    def write_xlsx(self, queryset, output):
        exports.write_xlsx(queryset, output)


# «Публичные отчёты» ---------------------------------------------------------------------------


class PublicReportsFilterSet(RowFilterSet):
    row_filters = ("year", "published")

    year = year_filter()
    published = django_filters.ChoiceFilter(
        label="Отчёт",
        choices=[("yes", "Опубликован"), ("no", "Не опубликован")],
        empty_label="Все",
        widget=forms.RadioSelect,
        method="keep",
    )

    class Meta(RowFilterSet.Meta):
        fields = ["year", "kind", "territorial", "published"]


# The organization's columns that the public reports listing sorts by (it sorts by «published»
# too).
PUBLIC_REPORTS_SORTABLE = ("code", "name", "parent")


class PublicReportColumn(Column):
    cell_template_name = "sites/freshness/report_cell.html"


class PublicReportsView(ForYear, ScopedReportView):
    """For a year (by default the previous one), which organizations have published their
    public report (PublicReportPage) and which have not."""

    page_title = "Публичные отчёты организаций"
    header_icon = "doc-full"
    index_url_name = "sites_freshness_public_reports"
    index_results_url_name = "sites_freshness_public_reports_results"
    results_template_name = "sites/freshness/public_reports_results.html"
    filterset_class = PublicReportsFilterSet
    table_class = RowTable
    is_searchable = True
    default_ordering = "name"
    export_filename = "publichnye-otchety"
    list_export = [column.export_header for column in ORGANIZATION_COLUMNS]
    list_export += ["year", "published", "url"]
    columns = [
        table_column(
            column, prefix="organization.", sortable=column.name in PUBLIC_REPORTS_SORTABLE
        )
        for column in ORGANIZATION_COLUMNS
    ]
    # Beside the name, as the freshness report's status.
    columns.insert(
        2, PublicReportColumn("published", label="Публичный отчёт", sort_key="published")
    )

    def get_page_subtitle(self):
        return f"за {self.year} год"

    def get_queryset(self):
        organizations = self.filtered_organizations()
        rows = freshness.rows(organizations, now=self.now, query=self.search_query)
        published = freshness.has_report(self.year)
        self.summary = (rows.organizations.filter(published).count(), rows.count())
        wanted = self.filters.row_filter_values().get("published") if self.filters else None
        organizations = rows.organizations
        if wanted:
            organizations = (
                organizations.filter(published)
                if wanted == "yes"
                else organizations.exclude(published)
            )
        return freshness.Rows(
            organizations.order_by(*self.order()),
            rows.today,
            then=lambda page: public_reports(year=self.year, rows=page),
        )

    def order(self):
        """By the organization's columns as the freshness report sorts them; by "published"
        the published first (last when descending), by name within each."""
        ordering = self.ordering or self.default_ordering
        if ordering.lstrip("-") != "published":
            return order_by(ordering)
        published = Case(
            When(freshness.has_report(self.year), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        published = published.desc() if ordering.startswith("-") else published.asc()
        return (published, *order_by("name"))

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["year"] = self.year
        context["published_count"], context["organizations_count"] = self.summary
        return context

    def to_row_dict(self, item):
        organization = item.organization
        return {
            **{
                column.export_header: column.export(organization) for column in ORGANIZATION_COLUMNS
            },
            "year": item.year,
            "published": YES if item.published else NO,
            "url": item.url,
        }
