"""Admin reports on the freshness of the sites (issue 5), built on Wagtail's report views:
«Актуальность сайтов» (a row per organization), «Охват сайтами» (the presidium's coverage
table) and «Публичные отчёты» (who has published the report for a year). The figures come
from sites/freshness.py; URLs and menu items are registered in sites/wagtail_hooks.py.

Why the listings are lists of rows, not querysets: the figures of a row are aggregates over
each site's page tree, computed for a set of organizations in a fixed number of queries
(`freshness_rows()`). Expressing them as annotations of the Organization queryset would need
a correlated subquery per figure and per organization, matching page paths by prefix, which
no index serves. So each view narrows the Organization queryset in SQL where the registry
alone decides (who may see what, kind, territorial organization), computes the rows of what
is left, then filters by the computed figures (status, missing report, the search, done on
the rows so that it ignores case in Cyrillic on SQLite too), sorts and paginates the list in
Python. The query count does not depend on the number of organizations, and the exports get
the same rows as the table, unpaginated.
"""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, StatusTagColumn, Table
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets.button import HeaderButton

from directory.models import Organization
from sites.freshness import report as freshness
from sites.freshness.report import Status

# Who may open which report --------------------------------------------------------------------


def _full_access(user):
    """`freshness.has_full_access`, asked once per request (the menu asks for each item)."""
    if not hasattr(user, "_freshness_full_access"):
        user._freshness_full_access = freshness.has_full_access(user)
    return user._freshness_full_access


def _own_organizations(user):
    if not user.is_authenticated or not user.is_active:
        return Organization.objects.none()
    return Organization.objects.filter(editors_group__user=user)


def can_view_freshness(user):
    """Regional admins, superusers and the editors of any organization."""
    return _full_access(user) or _own_organizations(user).exists()


def can_view_coverage(user):
    """Coverage is per territorial organization: regional admins, superusers and the
    editors of a territorial organization (its own line). Primary editors have no line."""
    return (
        _full_access(user)
        or _own_organizations(user).filter(kind=Organization.Kind.TERRITORIAL).exists()
    )


class ScopedReportView(ReportView):
    """A report over the organizations the user may see (`freshness.visible_organizations`);
    403 for those allowed none."""

    paginate_by = 50
    access_check = staticmethod(can_view_freshness)

    def dispatch(self, request, *args, **kwargs):
        if not self.access_check(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def full_access(self):
        return _full_access(self.request.user)

    @cached_property
    def organizations(self):
        if self.full_access:
            return Organization.objects.all()
        return freshness.visible_organizations(self.request.user)

    @cached_property
    def now(self):
        return freshness.current_time()

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.is_filtering:
            return "Ничего не найдено: измените условия поиска или фильтры."
        return "Организаций нет."

    def get_filtered_queryset(self):
        # ReportView filters the result of get_queryset() again; ours is filtered already.
        return self.get_queryset()

    def order_queryset(self, queryset):
        return queryset  # rows are sorted in Python, in get_queryset()

    def filtered_organizations(self):
        organizations = self.organizations
        if self.filters and self.filters.is_valid():
            organizations = self.filters.filter_queryset(organizations)
        return organizations

    def get_heading(self, queryset, field):
        return str(self.export_headings.get(field, field))


def _visible_territorials(request):
    territorials = Organization.objects.filter(kind=Organization.Kind.TERRITORIAL)
    if not _full_access(request.user):
        territorials = territorials.filter(
            pk__in=freshness.visible_organizations(request.user).values("pk")
        )
    return territorials.order_by("short_name")


class RowFilterSet(WagtailFilterSet):
    """Filters by the registry (kind, territorial organization) narrow the Organization
    queryset in SQL; the ones named in `row_filters` keep the queryset as it is and are
    applied to the computed rows by `filter_rows()`."""

    row_filters = ()

    kind = django_filters.ChoiceFilter(
        label="Вид",
        choices=Organization.Kind.choices,
        empty_label="Все",
        widget=forms.RadioSelect,
    )
    territorial = django_filters.ModelChoiceFilter(
        label="Территориальная организация",
        queryset=_visible_territorials,
        empty_label="Все",
        method="filter_territorial",
    )

    class Meta:
        model = Organization
        fields = ["kind", "territorial"]

    def filter_territorial(self, queryset, name, value):
        """The territorial organization itself and its primaries."""
        return queryset.filter(pk=value.pk) | queryset.filter(parent=value.pk)

    def keep(self, queryset, name, value):
        return queryset

    def row_filter_values(self):
        if not self.is_valid():
            return {}
        return {name: self.form.cleaned_data.get(name) for name in self.row_filters}


# Table cells ---------------------------------------------------------------------------------


def _organization(instance):
    """The freshness row of a table row (a row itself, or a public report status)."""
    return getattr(instance, "organization", instance)


class NameColumn(Column):
    """The short name, with the full name as its title."""

    cell_template_name = "sites/freshness/name_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["full_name"] = _organization(instance).name
        return context


class LocalDateColumn(Column):
    """A date as dd.mm.yyyy, machine-readable in <time datetime>."""

    cell_template_name = "sites/freshness/date_cell.html"


class SiteColumn(Column):
    """A link to the organization's site, the hostname as its text."""

    cell_template_name = "sites/freshness/site_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["site_url"] = _organization(instance).site_url
        return context


class YesNoColumn(Column):
    def get_value(self, instance):
        return freshness.YES if super().get_value(instance) else freshness.NO


class RowTable(Table):
    """Rows carry the organization's registry code, for the eye and for tests."""

    def get_row_attrs(self, instance):
        attrs = super().get_row_attrs(instance)
        organization = _organization(instance)
        if organization is not None:
            attrs["data-code"] = organization.code
        return attrs


def _status_is_current(row):
    return row.status == Status.CURRENT


# «Актуальность сайтов» -----------------------------------------------------------------------


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
    index_url_name = "platform_freshness"
    index_results_url_name = "platform_freshness_results"
    results_template_name = "sites/freshness/freshness_results.html"
    filterset_class = FreshnessFilterSet
    table_class = RowTable
    is_searchable = True  # by code, full or short name: see freshness.filter_rows()
    default_ordering = freshness.DEFAULT_ORDERING
    list_export = list(freshness.EXPORT_COLUMNS)
    export_filename = "aktualnost-saitov"

    columns = [
        Column("code", label="Код", sort_key="code"),
        NameColumn("short_name", label="Организация", sort_key="name"),
        Column("kind_label", label="Вид", sort_key="kind"),
        Column("parent_short_name", label="Вышестоящая", sort_key="parent"),
        SiteColumn("hostname", label="Сайт", sort_key="hostname"),
        LocalDateColumn("last_update_date", label="Последнее обновление", sort_key="last_update"),
        LocalDateColumn("last_news", label="Последняя новость", sort_key="last_news"),
        Column("news_recent", label="Новостей за 90 дней", sort_key="news_recent"),
        Column("last_report_year", label="Последний отчёт", sort_key="last_report_year"),
        YesNoColumn("contacts_complete", label="Контакты заполнены", sort_key="contacts_complete"),
        Column("editors", label="Редакторов", sort_key="editors"),
        StatusTagColumn("status", label="Статус", sort_key="status", primary=_status_is_current),
    ]

    @cached_property
    def header_buttons(self):
        buttons = [
            HeaderButton(
                "Публичные отчёты",
                url=reverse("platform_freshness_public_reports"),
                icon_name="doc-full",
                priority=20,
            )
        ]
        if can_view_coverage(self.request.user):
            buttons.insert(
                0,
                HeaderButton(
                    "Охват сайтами",
                    url=reverse("platform_freshness_coverage"),
                    icon_name="site",
                    priority=10,
                ),
            )
        return buttons

    def get_queryset(self):
        rows = freshness.freshness_rows(self.filtered_organizations(), now=self.now)
        values = self.filters.row_filter_values() if self.filters else {}
        rows = freshness.filter_rows(
            rows,
            statuses=[values["status"]] if values.get("status") else None,
            missing_report_year=values.get("no_report_year"),
            query=self.search_query,
        )
        return freshness.sort_rows(rows, self.ordering)

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["thresholds"] = freshness.Thresholds.from_settings()
        return context

    def stream_csv(self, queryset):
        return freshness.csv_lines(queryset)

    def write_xlsx(self, queryset, output):
        freshness.write_xlsx(queryset, output)


# «Охват сайтами» ------------------------------------------------------------------------------


def _percent(value):
    return "" if value is None else f"{value} %".replace(".", ",")


class CoverageView(ScopedReportView):
    """The presidium's table: per territorial organization, its primaries in all, with a
    site, the share with a site and those with current information; the region's totals and
    the territorial organizations without a site (regional admins only). A territorial
    editor sees the line of their own organization; primary editors are refused."""

    page_title = "Охват сайтами"
    header_icon = "site"
    index_url_name = "platform_freshness_coverage"
    index_results_url_name = "platform_freshness_coverage_results"
    results_template_name = "sites/freshness/coverage_results.html"
    access_check = staticmethod(can_view_coverage)
    table_class = RowTable
    paginate_by = None
    export_filename = "ohvat-saitami"
    list_export = ["name", "site_status", "primaries", "with_site", "percent", "current"]
    export_headings = {
        "name": "Территориальная организация",
        "site_status": "Сайт территориальной организации",
        "primaries": "Первичных организаций",
        "with_site": "С сайтом",
        "percent": "Доля с сайтом, %",
        "current": "С актуальной информацией",
    }
    columns = [
        Column("name", label="Территориальная организация"),
        Column("site_status", label="Сайт территориальной организации"),
        Column("primaries", label="Первичных организаций"),
        Column("with_site", label="С сайтом"),
        Column("percent_display", label="Доля с сайтом"),
        Column("current", label="С актуальной информацией"),
    ]

    @cached_property
    def coverage(self):
        organizations = self.organizations.filter(
            kind__in=[Organization.Kind.TERRITORIAL, Organization.Kind.PRIMARY]
        )
        return freshness.coverage(organizations, now=self.now)

    def get_queryset(self):
        lines = [CoverageRow(line) for line in self.coverage.lines]
        if self.full_access:
            lines.append(CoverageRow(self.coverage.total))
        return lines

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["coverage"] = self.coverage
        context["full_access"] = self.full_access
        return context

    def to_row_dict(self, item):
        return {field: getattr(item, field) for field in self.list_export}

    def write_xlsx(self, queryset, output):
        headings = [self.get_heading(queryset, field) for field in self.list_export]
        rows = [[getattr(item, field) for field in self.list_export] for item in queryset]
        sheets = [("Охват сайтами", headings, rows)]
        if self.full_access:
            sheets.append(
                (
                    "Территориальные без сайта",
                    ["Код", "Территориальная организация"],
                    [[row.code, row.short_name] for row in self.coverage.territorials_without_site],
                )
            )
        freshness.save_workbook(output, sheets)


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


# «Публичные отчёты» ---------------------------------------------------------------------------


class PublicReportsFilterSet(RowFilterSet):
    row_filters = ("year", "published")

    year = django_filters.NumberFilter(
        label="Год отчёта", method="keep", min_value=1990, max_value=2100
    )
    published = django_filters.ChoiceFilter(
        label="Отчёт",
        choices=[("yes", "Опубликован"), ("no", "Не опубликован")],
        empty_label="Все",
        widget=forms.RadioSelect,
        method="keep",
    )

    class Meta(RowFilterSet.Meta):
        fields = ["year", "kind", "territorial", "published"]


class PublicReportColumn(Column):
    cell_template_name = "sites/freshness/report_cell.html"


class PublicReportsView(ScopedReportView):
    """For a year (by default the previous one), which organizations have published their
    public report (PublicReportPage) and which have not."""

    page_title = "Публичные отчёты организаций"
    header_icon = "doc-full"
    index_url_name = "platform_freshness_public_reports"
    index_results_url_name = "platform_freshness_public_reports_results"
    results_template_name = "sites/freshness/public_reports_results.html"
    filterset_class = PublicReportsFilterSet
    table_class = RowTable
    is_searchable = True
    default_ordering = "name"
    export_filename = "publichnye-otchety"
    list_export = ["code", "name", "kind", "parent_code", "hostname", "year", "published", "url"]
    columns = [
        Column("organization.code", label="Код", sort_key="code"),
        NameColumn("organization.short_name", label="Организация", sort_key="name"),
        Column("organization.kind_label", label="Вид"),
        Column("organization.parent_short_name", label="Вышестоящая", sort_key="parent"),
        SiteColumn("organization.hostname", label="Сайт"),
        PublicReportColumn("published", label="Публичный отчёт", sort_key="published"),
    ]

    @cached_property
    def year(self):
        values = self.filters.row_filter_values() if self.filters else {}
        return int(values.get("year") or freshness.default_report_year(self.now))

    def get_page_subtitle(self):
        return f"за {self.year} год"

    def get_queryset(self):
        organizations = self.filtered_organizations()
        rows = freshness.freshness_rows(organizations, now=self.now)
        rows = freshness.filter_rows(rows, query=self.search_query)
        statuses = freshness.public_reports(organizations, self.year, now=self.now, rows=rows)
        self.summary = (sum(1 for s in statuses if s.published), len(statuses))
        published = self.filters.row_filter_values().get("published") if self.filters else None
        if published:
            statuses = [s for s in statuses if s.published == (published == "yes")]
        return self.sort(statuses)

    def sort(self, statuses):
        """By the organization's columns as the freshness report sorts them; by "published"
        the published first (last when descending), by name within each."""
        ordering = self.ordering or self.default_ordering
        key = ordering.lstrip("-")
        if key == "published":
            rows = freshness.sort_rows([status.organization for status in statuses], "name")
        else:
            rows = freshness.sort_rows([status.organization for status in statuses], ordering)
        order = {row.organization_id: n for n, row in enumerate(rows)}
        statuses = sorted(statuses, key=lambda status: order[status.organization.organization_id])
        if key == "published":
            descending = ordering.startswith("-")
            statuses = sorted(statuses, key=lambda status: status.published == descending)
        return statuses

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["year"] = self.year
        context["published_count"], context["organizations_count"] = self.summary
        return context

    def to_row_dict(self, item):
        row = freshness.export_values(item.organization)
        return {
            **{field: row[field] for field in ("code", "name", "kind", "parent_code", "hostname")},
            "year": item.year,
            "published": freshness.YES if item.published else freshness.NO,
            "url": item.url,
        }


# Menu items and URLs (registered in sites/wagtail_hooks.py) -----------------------------------


class FreshnessMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_freshness(request.user)


class CoverageMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_coverage(request.user)


def freshness_menu_item():
    return FreshnessMenuItem(
        "Актуальность сайтов",
        reverse("platform_freshness"),
        name="freshness",
        icon_name="time",
        order=1300,
    )


def coverage_menu_item():
    return CoverageMenuItem(
        "Охват сайтами",
        reverse("platform_freshness_coverage"),
        name="freshness-coverage",
        icon_name="site",
        order=1310,
    )


def public_reports_menu_item():
    return FreshnessMenuItem(
        "Публичные отчёты организаций",
        reverse("platform_freshness_public_reports"),
        name="freshness-public-reports",
        icon_name="doc-full",
        order=1320,
    )


def urlpatterns():
    views = [
        ("", FreshnessReportView, "platform_freshness"),
        ("coverage/", CoverageView, "platform_freshness_coverage"),
        ("reports/", PublicReportsView, "platform_freshness_public_reports"),
    ]
    patterns = []
    for prefix, view, name in views:
        patterns += [
            path(f"reports/freshness/{prefix}", view.as_view(), name=name),
            path(
                f"reports/freshness/{prefix}results/",
                view.as_view(results_only=True),
                name=f"{name}_results",
            ),
        ]
    return patterns
