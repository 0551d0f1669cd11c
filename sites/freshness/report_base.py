"""What the admin's freshness reports share: who may open which, a `ReportView` over lists of
rows, the registry filters, and the table cells of the columns (sites/freshness/columns.py).

A view narrows the Organization queryset (scope, kind, territorial), and `freshness.rows()`
filters, sorts, counts and pages it in SQL, from the figures kept per site
(sites/freshness/summary.py): rows are made for the page shown, whatever the network's size."""

from functools import partial

import django_filters
from django import forms
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, StatusTagColumn, Table
from wagtail.admin.views.reports import ReportView

from directory.models import Organization
from sites.freshness import status as freshness
from sites.freshness.columns import NO, YES, Cell
from sites.freshness.public_reports import default_report_year
from sites.freshness.status import Status
from sites.network.access import AllowedOnly
from sites.network.roles import is_network_admin_once, own_organizations
from sites.patches.scoping import drop_long_filters

# Who may open which report --------------------------------------------------------------------


def _full_access(user):
    """`freshness.has_full_access`, asked once per request (the menu asks for each item)."""
    return is_network_admin_once(user)


def can_view_freshness(user):
    """Regional admins, superusers and the editors of any organization."""
    return _full_access(user) or own_organizations(user).exists()


def can_view_coverage(user):
    """Coverage is per territorial organization: regional admins, superusers and the
    editors of a territorial organization (its own line). Primary editors have no line."""
    return (
        _full_access(user)
        or own_organizations(user).filter(kind=Organization.Kind.TERRITORIAL).exists()
    )


def year_filter(label="Год отчёта"):
    """A report's `?year=` (1990–2100), read by `ForYear`, not a filter of the queryset."""
    return django_filters.NumberFilter(label=label, method="keep", min_value=1990, max_value=2100)


class ForYear:
    """A report for a year: its filters' `year` (`year_filter()`), by default the previous
    calendar year, whose public reports are published this year."""

    @cached_property
    def year(self):
        values = self.filters.row_filter_values() if self.filters else {}
        return int(values.get("year") or default_report_year(self.now))


class ScopedReportView(AllowedOnly, ReportView):
    """A report over the organizations the user may see (`freshness.visible_organizations`);
    403 for those allowed none."""

    paginate_by = 50
    allowed = staticmethod(can_view_freshness)
    table_classname = "report-table"  # static/css/admin.css: fits a laptop's screen

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The whole union has 2,000 territorial organizations: past 100, the filter is only
        # kept when a link uses it (the panel's, the coverage report's).
        drop_long_filters(self, ["territorial"])

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
        return YES if super().get_value(instance) else NO


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


# The Wagtail column of each kind of cell.
CELL_COLUMNS = {
    Cell.TEXT: Column,
    Cell.NAME: NameColumn,
    Cell.SITE: SiteColumn,
    Cell.DATE: LocalDateColumn,
    Cell.YES_NO: YesNoColumn,
    Cell.STATUS: partial(StatusTagColumn, primary=_status_is_current),
}


def table_column(column, *, prefix="", sortable=True):
    """The Wagtail table column of a `columns.Column`; `prefix` reaches the row from the
    listing's item ("organization." for a public report status)."""
    return CELL_COLUMNS[column.cell](
        prefix + column.attr,
        label=column.label,
        sort_key=column.name if sortable and column.sort_field else None,
    )
