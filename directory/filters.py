"""Filters for the registry listing in the admin."""

import django_filters
from django import forms
from wagtail.admin.filters import WagtailFilterSet

from sites.patches.scoping import drop_long_filters

from .models import Organization


def parent_organizations(request):
    """Only regional and territorial organizations can be a parent: offering the several hundred
    primaries in the filter would bury the 19 that matter."""
    return Organization.objects.filter(
        kind__in=[Organization.Kind.REGIONAL, Organization.Kind.TERRITORIAL]
    ).order_by("kind", "short_name")


class OrganizationFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(
        label="Вид",
        choices=Organization.Kind.choices,
        empty_label="Все",
        widget=forms.RadioSelect,
    )
    parent = django_filters.ModelChoiceFilter(
        label="Вышестоящая организация",
        queryset=parent_organizations,
        empty_label="Все",
    )
    # A choice rather than a BooleanFilter: the active-filter chip then reads «Есть сайт: Нет»,
    # not «False».
    has_site = django_filters.ChoiceFilter(
        label="Есть сайт",
        choices=[("true", "Да"), ("false", "Нет")],
        empty_label="Все",
        widget=forms.RadioSelect,
        method="filter_has_site",
    )

    def filter_has_site(self, queryset, name, value):
        return queryset.filter(site__isnull=value != "true")

    class Meta:
        model = Organization
        fields = ["kind", "parent", "has_site"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The whole union has 2,085 regional and territorial organizations: past 100, the
        # «parent» filter is kept only when a link uses it (?parent=id).
        drop_long_filters(self, ["parent"])
