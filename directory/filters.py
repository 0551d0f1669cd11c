"""Filters for the registry listing in the admin."""

import django_filters
from django import forms
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.widgets import BooleanRadioSelect

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
    # "Has a site" is the negation of site__isnull: yes → exclude(site__isnull=True).
    has_site = django_filters.BooleanFilter(
        label="Есть сайт",
        field_name="site",
        lookup_expr="isnull",
        exclude=True,
        widget=BooleanRadioSelect,
    )

    class Meta:
        model = Organization
        fields = ["kind", "parent", "has_site"]
