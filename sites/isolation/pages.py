"""Pages: the page chooser, moves, listings' filters and reports name only the user's own
trees. Superusers and regional admins (rights on the root) are not restricted."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views import chooser
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.models import Page, PageLogEntry, Site
from wagtail.permissions import policy_registry

from sites.network.roles import is_network_admin

# Pages ---------------------------------------------------------------------------------------


def explorable_pages(user):
    """The pages of the trees the user has rights on, and their ancestors (to navigate)."""
    return policy_registry.get_by_type(Page).explorable_instances(user)


# The actions whose rights make a page explorable (Wagtail's `explorable_instances()`).
EXPLORING = ("add", "change", "publish", "lock", "unlock", "bulk_delete")


def sees_every_page(user):
    """Are the pages `explorable_pages(user)` every page? For a superuser, and for a user with
    an exploring right on the root (the regional admins): the same test as Wagtail's, on the
    rights it has read for the request already (no query of its own)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    codenames = {f"{action}_page" for action in EXPLORING}
    return any(
        perm.page.depth == 1 and perm.permission.codename in codenames
        for perm in policy_registry.get_by_type(Page).get_cached_permissions_for_user(user)
    )


def restrict_page_chooser(pages, request):
    """`construct_page_chooser_queryset`: the page chooser (browse and search) lists only the
    trees the user may work on, never another organization's pages and drafts. Those who
    explore every page (`sees_every_page()`) get it without the subquery of every page."""
    pages = pages.prefetch_workflow_states()  # Wagtail's rows asked one query each
    if sees_every_page(request.user):
        return pages
    return pages.filter(pk__in=explorable_pages(request.user).values("pk"))


def refuse_foreign_move(request, page, destination):
    """`before_move_page`: Wagtail's move confirmation shows the page (draft title included)
    before checking the move is allowed; refuse it first, for GET and POST alike."""
    if not page.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied


# Views Wagtail offers no hook for: guarded wrappers mounted in sites/urls.py -----------------
#
# Each is mounted on Wagtail's own path, before `admin/`, without a name: Django resolves the
# wrapper first, while `reverse()` still yields the same URL from Wagtail's own name.


def guarded(view):
    """Wagtail's decorators of its admin URLs: admin access required, never cached."""
    return never_cache(require_admin_access(view))


_choose_page_child = chooser.BrowseView.as_view()


@guarded
def choose_page_child(request, parent_page_id):
    """The page chooser's browse view shows the parent page (title, URL, breadcrumb): only for
    a page of the user's trees (or the root, whose children the chooser hook filters)."""
    if not sees_every_page(request.user):
        allowed = explorable_pages(request.user).filter(pk=parent_page_id).exists()
        if not allowed and not Page.objects.filter(pk=parent_page_id, depth=1).exists():
            raise Http404
    return _choose_page_child(request, parent_page_id=parent_page_id)


_choose_page_chosen_multiple = chooser.ChosenMultipleView.as_view()


@guarded
def choose_page_chosen_multiple(request):
    """The chooser's "chosen" endpoint answers only for the pages the user may choose: the ids
    of other organizations' pages are dropped (Wagtail returns whatever ids it is given)."""
    if not sees_every_page(request.user):
        ids = [pk for pk in request.GET.getlist("id") if pk.isdigit()]
        allowed = explorable_pages(request.user).filter(pk__in=ids).values_list("pk", flat=True)
        query = request.GET.copy()
        query.setlist("id", [str(pk) for pk in allowed])
        request.GET = query
    return _choose_page_chosen_multiple(request)


# Reports -------------------------------------------------------------------------------------


def _page_types_usage(**kwargs):
    view = PageTypesUsageReportView.as_view(**kwargs)

    @guarded
    def report(request):
        """The page types usage report counts every site's pages and names the last edited
        page of each type, whoever's it is: regional admins and superusers only."""
        if not is_network_admin(request.user):
            raise PermissionDenied
        return view(request)

    return report


page_types_usage = _page_types_usage()
page_types_usage_results = _page_types_usage(results_only=True)


def hide_foreign_reports(request, menu_items):
    """`construct_reports_menu`: no "page types usage" item for those refused the report."""
    if not is_network_admin(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]


# Filters of the page listings ----------------------------------------------------------------


def explorable_sites(request):
    """The sites whose root the user may explore (all for superusers and regional admins)."""
    if sees_every_page(request.user):
        return Site.objects.all()
    return Site.objects.filter(root_page__in=explorable_pages(request.user).values("pk"))


def users_of_explorable_pages(field):
    """Users who own (or edited) pages in the trees the user may explore: Wagtail's own filter
    lists every page owner, other organizations' editors and their e-mail addresses included."""

    def queryset(request):
        users = get_user_model().objects.all()
        if sees_every_page(request.user):
            # Every page: no subquery of the network's pages, one lookup per user by index.
            if field == "owner":
                return users.filter(Exists(Page.objects.filter(owner=OuterRef("pk"))))
            edits = PageLogEntry.objects.filter(action="wagtail.edit", user=OuterRef("pk"))
            return users.filter(Exists(edits))
        pages = explorable_pages(request.user)
        if field == "owner":
            ids = pages.order_by().values_list("owner_id", flat=True)
        else:
            ids = PageLogEntry.objects.filter(
                action="wagtail.edit", page__in=pages.values("pk")
            ).values_list("user_id", flat=True)
        return users.filter(pk__in=ids.order_by().distinct())

    return queryset
