"""Class attributes of Wagtail replaced at start-up, where it offers no hook: the listings'
filter choices, scoped to the user's own trees, and every page type's and setting's form
base, which checks the references it holds. Checked against Wagtail 8.0."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import CharField
from django.db.models.functions import Cast
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.views.pages.listing import GenericPageFilterSet, PageFilterSet
from wagtail.admin.views.reports.audit_logging import (
    SiteHistoryReportFilterSet,
    get_users_for_filter,
)
from wagtail.admin.views.reports.workflows import (
    WorkflowReportFilterSet,
    WorkflowTasksReportFilterSet,
)
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import Page, Task, Workflow, WorkflowState, get_page_models
from wagtail.permissions import policy_registry
from wagtail.users.views.users import UserFilterSet

from directory.below import home_paths_below
from directory.models import Organization
from sites.isolation.pages import explorable_sites, users_of_explorable_pages
from sites.isolation.references import checked
from sites.network.roles import is_network_admin

# A filter of more choices than this is left out of the page listings (a regional admin of
# the national union would get 30,000 sites' and editors' checkboxes on every explorer page).
MAX_FILTER_CHOICES = 100
LONG_FILTERS = ("site", "owner", "edited_by", "organization")


def scope_page_listing_filters():
    """The page listings' «site», «owner» and «edited by» filters offer only what the user's
    own trees hold. Wagtail declares their choices on the filter set class, with no hook.

    And a filter with more than MAX_FILTER_CHOICES choices for the user is left out, unless
    the request uses it: its checkboxes would be rendered on every page of the explorer, in
    a time that grows with the network (a second at 3,000 sites); search finds a site's pages
    instead, and the registry lists the sites by organization."""
    for filterset in (PageFilterSet, GenericPageFilterSet):
        filterset.base_filters["site"].queryset = explorable_sites
        filterset.base_filters["owner"].queryset = users_of_explorable_pages("owner")
        filterset.base_filters["edited_by"].queryset = users_of_explorable_pages("edited_by")
    leave_out_long_filters(PageFilterSet, LONG_FILTERS)


def grouping_organizations(request):
    """The regional and territorial organizations the user may group the explorer's sites by:
    all for network admins, their own for editors."""
    organizations = Organization.objects.filter(
        kind__in=[Organization.Kind.REGIONAL, Organization.Kind.TERRITORIAL], site__isnull=False
    ).order_by("kind", "search_name", "code")
    if is_network_admin(request.user):
        return organizations
    return organizations.filter(editors_group__user=request.user)


def sites_of_organization(pages, name, organization):
    """The home pages of `organization`'s site and of the sites of the organizations below
    it (and their translations), by their tree paths."""
    if not organization:
        return pages
    homes = home_paths_below(organization, own_site=True, translations=True)
    return pages.filter(path__in=homes)


def group_sites_by_organization():
    """The explorer's filter «Организация»: the sites of a regional or territorial
    organization and of those below it. The Wagtail root lists every site's home page (30,000
    in the union); this groups them by the registry's tree, which the flat page tree does not
    show. Offered when it has at most MAX_FILTER_CHOICES choices (a region's 19); past that
    (2,085 in the union) it is left out of the form, and `?organization=<id>` still works."""
    for filterset in (PageFilterSet, GenericPageFilterSet):
        filterset.base_filters["organization"] = django_filters.ModelChoiceFilter(
            label="Организация и нижестоящие",
            queryset=grouping_organizations,
            method=sites_of_organization,
            empty_label="Все",
        )


def drop_long_filters(filterset, names):
    """The filters of `filterset` among `names` offering more than MAX_FILTER_CHOICES
    choices are left out, unless the request uses them: a list of thousands of checkboxes or
    options costs more to render than the rest of the page, and nobody reads it."""
    for name in names:
        filter_ = filterset.filters.get(name)
        if filter_ is None or (filterset.data and name in filterset.data):
            continue
        choices = filter_.get_queryset(filterset.request)
        if choices.order_by()[: MAX_FILTER_CHOICES + 1].count() > MAX_FILTER_CHOICES:
            del filterset.filters[name]


def leave_out_long_filters(filterset_class, names):
    """After `filterset_class.__init__`, `drop_long_filters()`."""
    wagtails_init = filterset_class.__init__

    def __init__(self, *args, **kwargs):
        wagtails_init(self, *args, **kwargs)
        drop_long_filters(self, names)

    filterset_class.__init__ = __init__


def leave_out_the_user_lists_long_group_filter():
    """The user list's «group» filter lists every group: an editors' group for each
    organization, 30,000 checkboxes on the regional admin's list (a quarter of a second at
    3,000). Wagtail adds it in the filter set's `__init__`."""
    leave_out_long_filters(UserFilterSet, ["group"])


def scope_site_history_filters():
    """The site history report's «user» filter: Wagtail 8 defines the scoped choices
    (`get_user_choices`, from the log entries the user may view) but its base filter set asks
    `get_users_queryset()`, which lists the author of every page log entry of the network, other
    organizations' editors and their e-mail addresses included. Point it at the scoped one."""

    def get_users_queryset(self):
        return get_users_for_filter(self.request.user)

    SiteHistoryReportFilterSet.get_users_queryset = get_users_queryset


def scope_workflow_report_filters():
    """The workflow reports' filters («workflow», «task», «requested by») offer only what the
    states of the user's own pages hold: Wagtail lists every workflow and task of the network
    (named after organizations) and every user who ever submitted a page."""

    def states(request):
        if request.user.is_superuser:
            return WorkflowState.objects.all()
        pages = policy_registry.get_by_type(Page).instances_user_has_permission_for(
            request.user, "change"
        )
        return WorkflowState.objects.filter(
            object_id__in=pages.values_list(Cast("id", output_field=CharField()), flat=True)
        )

    def workflows(request):
        return Workflow.objects.filter(pk__in=states(request).values("workflow_id"))

    def tasks(request):
        return Task.objects.filter(task_states__workflow_state__in=states(request)).distinct()

    def requesters(request):
        user_model = get_user_model()
        ids = states(request).values("requested_by_id")
        return user_model.objects.filter(pk__in=ids).order_by(user_model.USERNAME_FIELD)

    WorkflowReportFilterSet.base_filters["workflow"].queryset = workflows
    WorkflowReportFilterSet.base_filters["requested_by"].queryset = requesters
    WorkflowTasksReportFilterSet.base_filters["workflow"].queryset = workflows
    WorkflowTasksReportFilterSet.base_filters["task"].queryset = tasks


def check_references_in_admin_forms():
    """Give every page type and every setting a form that checks its references. Run from
    `ready()`: Wagtail builds the forms from `base_form_class` on first use."""
    for model in get_page_models():
        if model is Page:
            continue
        base = getattr(model, "base_form_class", None)
        model.base_form_class = checked(base, WagtailAdminPageForm)
    for model in settings_registry:
        model.base_form_class = checked(
            getattr(model, "base_form_class", None), WagtailAdminModelForm
        )


PATCHES = [
    group_sites_by_organization,
    scope_page_listing_filters,
    scope_site_history_filters,
    scope_workflow_report_filters,
    leave_out_the_user_lists_long_group_filter,
    check_references_in_admin_forms,
]
PATCHED_NAMES = [
    ("wagtail.admin.views.pages.listing", "PageFilterSet.base_filters"),
    ("wagtail.admin.views.pages.listing", "GenericPageFilterSet.base_filters"),
    ("wagtail.admin.views.pages.listing", "PageFilterSet.__init__"),
    ("wagtail.users.views.users", "UserFilterSet.__init__"),
    ("wagtail.admin.views.reports.audit_logging", "SiteHistoryReportFilterSet"),
    ("wagtail.admin.views.reports.audit_logging", "get_users_for_filter"),
    ("wagtail.admin.views.reports.workflows", "WorkflowReportFilterSet.base_filters"),
    ("wagtail.admin.views.reports.workflows", "WorkflowTasksReportFilterSet.base_filters"),
    ("wagtail.models", "Page.base_form_class"),
]
