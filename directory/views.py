"""Admin views of the registry (registered in wagtail_hooks.py)."""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Q
from django.utils.html import format_html
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.search.backends import get_search_backend

from .filters import OrganizationFilterSet
from .models import Organization

NO_SITE = "нет сайта"


def site_link(organization):
    site = organization.site
    if site is None:
        return NO_SITE
    return format_html(
        '<a href="{}/" target="_blank" rel="noopener">{}</a>', site.root_url, site.hostname
    )


def members(organization):
    count = organization.members_count
    return "" if count is None else intcomma(count)


class OrganizationIndexView(generic.IndexView):
    def get_base_queryset(self):
        # Parent and site are shown on every row: join them instead of one query per row.
        return super().get_base_queryset().select_related("parent", "site")

    def search_queryset(self, queryset):
        """Names through the search index, codes by substring; then narrow the ordinary
        queryset to the matches, so sorting and filters work as without a search.

        Wagtail's default hands the filtered, ordered queryset to the search backend, which
        fails when the list is sorted by a column that is not an index FilterField. Codes are
        matched in the database because PostgreSQL's parser indexes "46-1001" as "46" and
        "-1001" (a negative number), so the index cannot find a code by its parts."""
        if not self.is_searching:
            return queryset
        query = self.search_query.strip()
        matches = get_search_backend(self.search_backend_name).autocomplete(
            query, Organization.objects.only("pk"), order_by_relevance=False
        )
        return queryset.filter(Q(pk__in=[match.pk for match in matches]) | Q(code__icontains=query))


class OrganizationViewSet(ModelViewSet):
    """The registry for the regional admin. Access follows the Django model permissions on
    `directory.Organization` (Wagtail's default model permission policy)."""

    model = Organization
    index_view_class = OrganizationIndexView
    menu_label = "Организации"
    icon = "group"
    menu_order = 150
    add_to_admin_menu = True
    list_per_page = 50
    list_display = [
        "short_name",
        "code",
        "kind",
        "parent",
        "district",
        Column("site", label="Сайт", accessor=site_link, sort_key="site__hostname"),
        Column(
            "members_count", label="Членов профсоюза", accessor=members, sort_key="members_count"
        ),
    ]
    filterset_class = OrganizationFilterSet
    copy_view_enabled = False
