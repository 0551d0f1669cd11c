"""Admin views of the registry (registered in wagtail_hooks.py)."""

import logging

from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.db.models import Q
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import capfirst
from django.views.generic import FormView
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton, ListingButton
from wagtail.search.backends import get_search_backend

from directory.importing import import_rows
from directory.registry_file import COLUMNS

from .filters import OrganizationFilterSet
from .forms import OrganizationImportForm
from .models import Organization

logger = logging.getLogger(__name__)

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
    """The registry listing. For regional admins it also offers «Создать сайт» on each
    organization without a site, and checkboxes for the bulk action «Создать сайты»
    (sites/onboarding/views.py)."""

    import_url_name = None
    template_name = "directory/organization_index.html"

    @cached_property
    def can_onboard(self):
        return self.request.user.has_perm("directory.onboard_organization")

    @cached_property
    def columns(self):
        columns = super().columns
        if self.can_onboard:
            columns = [BulkActionsCheckboxColumn("bulk_actions", obj_type="snippet"), *columns]
        return columns

    def _get_title_column(self, *args, **kwargs):
        # The bulk action checkboxes are described by the title cell, found by this id.
        return super()._get_title_column(
            *args, **kwargs, get_title_id=lambda instance: f"snippet_{instance.pk}_title"
        )

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.can_onboard and instance.site_id is None:
            buttons.insert(
                0,
                ListingButton(
                    "Создать сайт",
                    url=reverse("sites_onboard", args=[instance.pk]),
                    icon_name="site",
                    priority=5,
                ),
            )
        if instance.site_id and instance.kind != Organization.Kind.PRIMARY:
            # The explorer's grouping (sites/patches/scoping.py): its site and those below.
            buttons.append(
                ListingButton(
                    "Сайты организации и нижестоящих",
                    url=f"{reverse('wagtailadmin_explore_root')}?organization={instance.pk}",
                    icon_name="folder-open-inverse",
                    priority=20,
                )
            )
        return buttons

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.import_url_name and all(
            self.user_has_permission(action) for action in OrganizationImportView.required_actions
        ):
            buttons.append(
                HeaderButton(
                    "Импорт из файла",
                    url=reverse(self.import_url_name),
                    icon_name="upload",
                    priority=1100,  # after «Добавить»
                )
            )
        return buttons

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


class OrganizationImportView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Upload of the membership registry's CSV export (see `directory.importing`). Importing
    creates and changes organizations, so it needs both permissions."""

    model = Organization
    required_actions = ("add", "change")
    form_class = OrganizationImportForm
    template_name = "directory/import_organizations.html"
    page_title = "Импорт из файла"
    header_icon = "upload"
    index_url_name = None
    import_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not all(self.user_has_permission(action) for action in self.required_actions):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(self.index_url_name),
                "label": capfirst(Organization._meta.verbose_name_plural),
            },
            {"label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_url=reverse(self.import_url_name),
            submit_button_label="Загрузить",
            submit_button_active_label="Загрузка…",
            columns=COLUMNS,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            result = import_rows(form.cleaned_data["rows"], dry_run=form.cleaned_data["dry_run"])
        except DatabaseError:
            logger.exception("Registry import failed")
            messages.error(
                self.request,
                "Импорт не выполнен из-за ошибки базы данных; в реестр ничего не записано. "
                "Попробуйте ещё раз.",
            )
            return self.render_to_response(self.get_context_data(form=form))
        # A fresh form: after a check, the next upload is usually the import itself.
        return self.render_to_response(
            self.get_context_data(form=self.get_form_class()(), result=result)
        )


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

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(import_url_name=self.get_url_name("import"), **kwargs)

    @property
    def import_view(self):
        return self.construct_view(
            OrganizationImportView, import_url_name=self.get_url_name("import")
        )

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("import/", self.import_view, name="import")]
