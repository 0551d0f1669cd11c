"""Editors work only on their own sites (issue 4): fixes for the cross-organization leaks that
Wagtail's own permission checks leave open. Each function here is registered as a Wagtail hook
in sites/wagtail_hooks.py; tests/test_isolation.py is the matrix that proves them.

Superusers and regional admins (whose page rights are on the root) are not restricted.
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views import chooser
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.models import Page, TaskState, Workflow
from wagtail.permissions import policy_registry

from sites.accounts.twofactor import owes_second_factor
from sites.isolation.references import foreign_override
from sites.network.roles import is_network_admin

# Pages ---------------------------------------------------------------------------------------


def explorable_pages(user):
    """The pages of the trees the user has rights on, and their ancestors (to navigate)."""
    return policy_registry.get_by_type(Page).explorable_instances(user)


def restrict_page_chooser(pages, request):
    """`construct_page_chooser_queryset`: the page chooser (browse and search) lists only the
    trees the user may work on, never another organization's pages and drafts."""
    if request.user.is_superuser:
        return pages
    return pages.filter(pk__in=explorable_pages(request.user).values("pk"))


def refuse_foreign_move(request, page, destination):
    """`before_move_page`: Wagtail's move confirmation shows the page (draft title included)
    before checking the move is allowed; refuse it first, for GET and POST alike."""
    if not page.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied


# Images and documents in the admin API -------------------------------------------------------


class ChoosableOnlyMixin:
    """Admin API endpoints list and show only the media the user may choose: those of the
    collections their group has rights on (Wagtail's own endpoints list every collection)."""

    def get_queryset(self):
        policy = policy_registry.get_by_type(self.model)
        allowed = policy.instances_user_has_any_permission_for(self.request.user, ["choose"])
        return super().get_queryset().filter(pk__in=allowed.values("pk"))


class ScopedImagesAdminAPIViewSet(ChoosableOnlyMixin, ImagesAdminAPIViewSet):
    pass


class ScopedDocumentsAdminAPIViewSet(ChoosableOnlyMixin, DocumentsAdminAPIViewSet):
    pass


def scope_admin_api(router):
    """`construct_admin_api`, run after Wagtail's own: replace the media endpoints."""
    router.register_endpoint("images", ScopedImagesAdminAPIViewSet)
    router.register_endpoint("documents", ScopedDocumentsAdminAPIViewSet)


# Views Wagtail offers no hook for: guarded wrappers mounted in sites/urls.py -----------------
#
# Each is mounted on Wagtail's own path, before `admin/`, without a name: Django resolves the
# wrapper first, while `reverse()` still yields the same URL from Wagtail's own name.


def _guarded(view):
    """Wagtail's decorators of its admin URLs: admin access required, never cached."""
    return never_cache(require_admin_access(view))


def _is_unrestricted(user):
    return user.is_superuser


_choose_page_child = chooser.BrowseView.as_view()


@_guarded
def choose_page_child(request, parent_page_id):
    """The page chooser's browse view shows the parent page (title, URL, breadcrumb): only for
    a page of the user's trees (or the root, whose children the chooser hook filters)."""
    if not _is_unrestricted(request.user):
        allowed = explorable_pages(request.user).filter(pk=parent_page_id).exists()
        if not allowed and not Page.objects.filter(pk=parent_page_id, depth=1).exists():
            raise Http404
    return _choose_page_child(request, parent_page_id=parent_page_id)


_choose_page_chosen_multiple = chooser.ChosenMultipleView.as_view()


@_guarded
def choose_page_chosen_multiple(request):
    """The chooser's "chosen" endpoint answers only for the pages the user may choose: the ids
    of other organizations' pages are dropped (Wagtail returns whatever ids it is given)."""
    if not _is_unrestricted(request.user):
        ids = [pk for pk in request.GET.getlist("id") if pk.isdigit()]
        allowed = explorable_pages(request.user).filter(pk__in=ids).values_list("pk", flat=True)
        query = request.GET.copy()
        query.setlist("id", [str(pk) for pk in allowed])
        request.GET = query
    return _choose_page_chosen_multiple(request)


# Reports -------------------------------------------------------------------------------------


def _page_types_usage(**kwargs):
    view = PageTypesUsageReportView.as_view(**kwargs)

    @_guarded
    def guarded(request):
        """The page types usage report counts every site's pages and names the last edited
        page of each type, whoever's it is: regional admins and superusers only."""
        if not is_network_admin(request.user):
            raise PermissionDenied
        return view(request)

    return guarded


page_types_usage = _page_types_usage()
page_types_usage_results = _page_types_usage(results_only=True)


def hide_foreign_reports(request, menu_items):
    """`construct_reports_menu`: no "page types usage" item for those refused the report."""
    if not is_network_admin(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]


# Filters of the page listings ----------------------------------------------------------------


def explorable_sites(request):
    """The sites whose root the user may explore (all for superusers)."""
    from wagtail.models import Site

    if request.user.is_superuser:
        return Site.objects.all()
    return Site.objects.filter(root_page__in=explorable_pages(request.user).values("pk"))


def users_of_explorable_pages(field):
    """Users who own (or edited) pages in the trees the user may explore: Wagtail's own filter
    lists every page owner, other organizations' editors and their e-mail addresses included."""

    def queryset(request):
        from django.contrib.auth import get_user_model
        from wagtail.models import PageLogEntry

        pages = explorable_pages(request.user)
        if field == "owner":
            ids = pages.order_by().values_list("owner_id", flat=True)
        else:
            ids = PageLogEntry.objects.filter(
                action="wagtail.edit", page__in=pages.values("pk")
            ).values_list("user_id", flat=True)
        return get_user_model().objects.filter(pk__in=ids.order_by().distinct())

    return queryset


def scope_page_listing_filters():
    """The page listings' «site», «owner» and «edited by» filters offer only what the user's
    own trees hold. Wagtail declares their choices on the filter set class, with no hook."""
    from wagtail.admin.views.pages.listing import GenericPageFilterSet, PageFilterSet

    for filterset in (PageFilterSet, GenericPageFilterSet):
        filterset.base_filters["site"].queryset = explorable_sites
        filterset.base_filters["owner"].queryset = users_of_explorable_pages("owner")
        filterset.base_filters["edited_by"].queryset = users_of_explorable_pages("edited_by")


def scope_site_history_filters():
    """The site history report's «user» filter: Wagtail 8 defines the scoped choices
    (`get_user_choices`, from the log entries the user may view) but its base filter set asks
    `get_users_queryset()`, which lists the author of every page log entry of the network, other
    organizations' editors and their e-mail addresses included. Point it at the scoped one."""
    from wagtail.admin.views.reports.audit_logging import (
        SiteHistoryReportFilterSet,
        get_users_for_filter,
    )

    def get_users_queryset(self):
        return get_users_for_filter(self.request.user)

    SiteHistoryReportFilterSet.get_users_queryset = get_users_queryset


# Documents served to the public ---------------------------------------------------------------


def document_is_published(document):
    """Is the document linked from a live page (a report's file, a link in a body)? Wagtail's
    reference index records the links of each page as last saved, drafts included."""
    from wagtail.models import ReferenceIndex

    page_ids = (
        ReferenceIndex.get_references_to(document)
        .filter(base_content_type=ReferenceIndex._get_base_content_type(Page))
        .values_list("object_id", flat=True)
    )
    return Page.objects.live().filter(pk__in=[int(pk) for pk in page_ids]).exists()


def hide_unpublished_document(document, request):
    """`before_serve_document`: /documents/<id>/<name> serves a document to everyone once a
    published page links to it; until then (an upload, a draft's attachment) only to those who
    may choose it, the editors of its organization (and of its parent), and regional admins.
    Anyone else gets the 404 they would get for a document that does not exist."""
    user = request.user
    if user.is_authenticated and user.is_active and not owes_second_factor(user):
        policy = policy_registry.get_by_type(type(document))
        if policy.user_has_permission_for_instance(user, "choose", document):
            return None
    if not document_is_published(document):
        raise Http404
    return None


def scope_workflow_report_filters():
    """The workflow reports' filters («workflow», «task», «requested by») offer only what the
    states of the user's own pages hold: Wagtail lists every workflow and task of the network
    (named after organizations) and every user who ever submitted a page."""
    from django.contrib.auth import get_user_model
    from django.db.models import CharField
    from django.db.models.functions import Cast
    from wagtail.admin.views.reports.workflows import (
        WorkflowReportFilterSet,
        WorkflowTasksReportFilterSet,
    )
    from wagtail.models import Task, Workflow, WorkflowState

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


# Translations (wagtail-localize) ----------------------------------------------------------------


class TranslationViewsGuard:
    """wagtail-localize's admin views check only the model permission `submit_translation`,
    then act on any page, translation or translation source id they are given (submit, update,
    edit strings, preview, upload/download PO, machine-translate, stop, convert to alias), and
    its translations report lists every organization's. Here every one of them is allowed only
    when the user may edit the pages it concerns (404 otherwise), and the report only for
    regional admins and superusers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or "wagtail_localize" not in match.namespaces:
            return None
        user = request.user
        if not user.is_authenticated or user.is_superuser:
            return None  # Wagtail's own login and permission checks apply
        if (match.url_name or "").startswith("translations_report"):
            if not is_network_admin(user):
                raise PermissionDenied
            return None
        for page in _pages_concerned(view_kwargs):
            if page is None or not page.permissions_for_user(user).can_edit():
                raise Http404
        if match.url_name == "edit_override" and request.method == "PUT":
            message = foreign_override(request, **view_kwargs)
            if message:
                return JsonResponse({"error": message}, status=400)
        return None


def _pages_concerned(kwargs):
    from wagtail_localize.models import Translation, TranslationSource

    sources = []
    if "page_id" in kwargs:
        yield Page.objects.filter(pk=kwargs["page_id"]).first()
    if "translation_id" in kwargs:
        translation = Translation.objects.filter(pk=kwargs["translation_id"]).first()
        if translation is None:
            yield None
            return
        sources.append(translation.source)
        try:
            target = translation.get_target_instance()
        except ObjectDoesNotExist:
            target = None  # not made yet: the source decides
        if isinstance(target, Page):
            yield target
    if "translation_source_id" in kwargs:
        sources.append(TranslationSource.objects.filter(pk=kwargs["translation_source_id"]).first())
    for source in sources:
        instance = source.get_source_instance() if source is not None else None
        if not isinstance(instance, Page):
            yield None  # snippets hold no organization content here (see SECURITY.md)
            continue
        yield instance


def hide_translations_report(request, menu_items):
    """`construct_reports_menu`: wagtail-localize's report lists every organization's
    translations: regional admins and superusers only."""
    from django.urls import reverse

    if not is_network_admin(request.user):
        report = reverse("wagtail_localize:translations_report")
        menu_items[:] = [item for item in menu_items if item.url != report]


# Workflow views ------------------------------------------------------------------------------

WORKFLOW_VIEWS = {
    "workflow_action",
    "collect_workflow_action_data",
    "confirm_workflow_cancellation",
    "workflow_preview",
    "workflow_history_detail",
}


class WorkflowViewsGuard:
    """Wagtail's workflow views (action, its data form, the cancellation notice, the task
    preview, a history entry) name the page, its draft title included, before they check who
    asks, and act on any task state id given with any page id. Here they answer only for pages
    the user may edit or review, and for task and workflow states of that very page (404
    otherwise, as for a page that does not exist)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        user = request.user
        if match is None or not user.is_authenticated or user.is_superuser:
            return None  # Wagtail's own login check applies
        if "wagtailadmin_workflows" in match.namespaces and _is_task_chooser(match.url_name):
            # It lists every organization's tasks (and may create one): for workflow managers.
            policy = policy_registry.get_by_type(Workflow)
            if not policy.user_has_any_permission(user, ["add", "change"]):
                raise PermissionDenied
            return None
        if match.url_name not in WORKFLOW_VIEWS or "wagtailadmin_pages" not in match.namespaces:
            return None
        page = Page.objects.filter(pk=view_kwargs.get("page_id")).first()
        if page is None or not _may_work_on(page.specific, user):
            raise Http404
        states = _workflow_states(page)
        task_state = view_kwargs.get("task_state_id")
        if task_state is not None and not (
            TaskState.objects.filter(workflow_state__in=states, pk=task_state).exists()
        ):
            raise Http404
        workflow_state = view_kwargs.get("workflow_state_id")
        if workflow_state is not None and not states.filter(pk=workflow_state).exists():
            raise Http404
        return None


def _is_task_chooser(url_name):
    return (url_name or "").startswith("task_chooser") or url_name == "task_chosen"


def _workflow_states(page):
    from wagtail.models import WorkflowState

    return WorkflowState.objects.for_instance(page)


def _may_work_on(page, user):
    """May edit the page, or review it in the task it waits in."""
    if page.permissions_for_user(user).can_edit():
        return True
    state = page.current_workflow_task_state
    return state is not None and bool(state.task.specific.get_actions(page, user))


# Tags ----------------------------------------------------------------------------------------


def visible_tags(user):
    """The tags of the images and documents `user` may choose and of the pages they may
    explore: every tag for network admins. Wagtail's tag suggestions and popular-tag filters
    name the tags of every organization's private media and drafts."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q
    from taggit.models import Tag, TaggedItem
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from news.models import NewsPageTag

    if is_network_admin(user):
        return Tag.objects.all()
    media = Q()
    for model in (get_image_model(), get_document_model()):
        choosable = policy_registry.get_by_type(model).instances_user_has_any_permission_for(
            user, ["choose"]
        )
        media |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=choosable.values("pk"),
        )
    pages = NewsPageTag.objects.filter(content_object__in=explorable_pages(user).values("pk"))
    return Tag.objects.filter(
        Q(pk__in=TaggedItem.objects.filter(media).values("tag_id"))
        | Q(pk__in=pages.values("tag_id"))
    )


def popular_visible_tags(model, user, count=10):
    """Wagtail's `popular_tags_for_model`, limited to the tags `user` may see."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count
    from taggit.models import Tag

    return (
        Tag.objects.filter(
            taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(model),
            pk__in=visible_tags(user).values("pk"),
        )
        .annotate(item_count=Count("taggit_taggeditem_items"))
        .order_by("-item_count")[:count]
    )


@_guarded
def tag_autocomplete(request, app_name=None, model_name=None):
    """The tag field's suggestions: only tags the user may see (Wagtail suggests any)."""
    from django.http import JsonResponse
    from taggit.models import TagBase
    from wagtail.admin.views.tags import TAGS_AUTOCOMPLETE_LIMIT

    if app_name or model_name:
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.filter(app_label=app_name, model=model_name).first()
        model = content_type.model_class() if content_type else None
        if model is None or not issubclass(model, TagBase):
            raise Http404
    term = request.GET.get("term", "")
    if not term:
        return JsonResponse([], safe=False)
    tags = visible_tags(request.user).filter(name__istartswith=term).order_by("name")
    return JsonResponse(
        list(tags.values_list("name", flat=True)[:TAGS_AUTOCOMPLETE_LIMIT]), safe=False
    )
