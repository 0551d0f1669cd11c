"""Wagtail's behaviour made cheaper per request, to the same result. Checked against Wagtail 8.0."""

from django.db.models import OuterRef, Subquery
from django.db.models.lookups import IsNull
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from wagtail.admin.views.pages.listing import ExplorableIndexView, IndexView
from wagtail.models import Locale, Page, Site
from wagtail.query import PageQuerySet

from home.kept import kept_for_network
from home.site_roots import site_count, site_root_paths_for
from sites.isolation.pages import sees_every_page


def keep_active_locales():
    """`Locale.get_active()` asks the database for the locale of the active language on every
    page view (Wagtail's routing starts with `site.root_page.localized`). Kept with the site
    chrome instead (directory/chrome.py), whose generation a locale saved or deleted renews."""
    original = Locale.get_active
    if getattr(original, "kept", False):
        return

    def get_active(cls):
        language = translation.get_language()
        return kept_for_network(f"locale:{language}", lambda: original.__func__(cls))

    get_active.kept = True
    Locale.get_active = classmethod(get_active)


CACHED_ROOT_PATHS = "_wagtail_cached_site_root_paths"  # Wagtail's, on a request or a page


def find_site_roots_from_the_page():
    """A page's URL starts from the sites it belongs to, which Wagtail finds by scanning every
    site's root path (`Site.get_site_root_paths()`: one cached value holding all of them, a
    query per site when cold), and counts the sites in the same list for `get_url()`. Here
    they are found from the page's own ancestors' paths and the sites counted, each kept with
    the generation (home/site_roots.py): the same answers, at a cost that does not grow with
    the number of sites."""
    if getattr(Page._get_relevant_site_root_paths, "from_the_page", False):
        return

    def _get_relevant_site_root_paths(self, cache_object=None):
        if cache_object is not None and not hasattr(cache_object, CACHED_ROOT_PATHS):
            # Some of Wagtail reads every site's root paths from the request a URL was built
            # for (the redirects made on a slug change): given, but only read if asked for.
            setattr(cache_object, CACHED_ROOT_PATHS, SimpleLazyObject(Site.get_site_root_paths))
        # The tree path when loaded (listings defer it): the ancestors are found by it.
        return site_root_paths_for(self.url_path, self.__dict__.get("path"))

    def get_url(self, request=None, current_site=None):
        # Wagtail 8's Page.get_url(), but the number of sites from site_count().
        if current_site is None and request is not None:
            current_site = Site.find_for_request(request)
        url_parts = self.get_url_parts(request=request)
        if url_parts is None or url_parts[1] is None and url_parts[2] is None:
            return None  # not routable
        site_id, root_url, page_path = url_parts
        if (current_site is not None and site_id == current_site.id) or site_count() == 1:
            return page_path
        return root_url + page_path

    _get_relevant_site_root_paths.from_the_page = True
    # Wagtail's own, for the tests that compare (tests/home/test_site_roots.py).
    _get_relevant_site_root_paths.wagtails = Page._get_relevant_site_root_paths
    get_url.wagtails = Page.get_url
    Page._get_relevant_site_root_paths = _get_relevant_site_root_paths
    Page.get_url = get_url
    Page.url = property(get_url)


def list_every_page_without_the_explorable_subquery():
    """Wagtail's page listings (the explorer, the search of every page) keep the pages whose
    id is among the user's explorable pages: for a regional admin, whose rights are on the
    root, a subquery of every page of the network ORed once per right (300,000 pages at
    30,000 sites), for every listing, its count and its filters. When that subquery is every
    page (`sees_every_page()`), the listing goes without it; anyone else's keeps it."""

    def explorer_base_queryset(self):
        if not sees_every_page(self.request.user):
            return explorer_base_queryset.wagtails(self)
        if self.is_searching or self.is_filtering:
            if self.is_searching_whole_tree:
                pages = self.model._default_manager.all()
            else:
                pages = self.model._default_manager.descendant_of(self.parent_page)
        else:
            pages = self.model._default_manager.child_of(self.parent_page)
        return self.annotate_queryset(pages)

    def index_base_queryset(self):
        if not sees_every_page(self.request.user):
            return index_base_queryset.wagtails(self)
        return self.annotate_queryset(self.model.objects.filter(depth__gt=1))

    explorer_base_queryset.wagtails = ExplorableIndexView.get_base_queryset
    index_base_queryset.wagtails = IndexView.get_base_queryset
    ExplorableIndexView.get_base_queryset = explorer_base_queryset
    IndexView.get_base_queryset = index_base_queryset


def look_up_site_roots_per_row():
    """Listings annotate each page with whether it (or a translation of it) is a site's root.
    Wagtail's `EXISTS` lets PostgreSQL hash every site's root page once per listing, planned
    for every row the listing could hold: the explorer's root (30,000 home pages) joined every
    page of the network to show 50. As a scalar subquery (`LIMIT 1`) it is looked up by index
    for the rows shown only; the same answer for each page."""

    def annotate_site_root_state(self):
        site = Site.objects.filter(root_page__translation_key=OuterRef("translation_key"))
        return self.annotate(_is_site_root=IsNull(Subquery(site.values("pk")[:1]), False))

    annotate_site_root_state.wagtails = PageQuerySet.annotate_site_root_state
    PageQuerySet.annotate_site_root_state = annotate_site_root_state


PATCHES = [
    keep_active_locales,
    find_site_roots_from_the_page,
    list_every_page_without_the_explorable_subquery,
    look_up_site_roots_per_row,
]

# The names the patches rely on: (module, attribute path), for tests/patches/test_patches.py.
PATCHED_NAMES = [
    ("wagtail.models.i18n", "Locale.get_active"),
    ("wagtail.models.pages", "Page._get_relevant_site_root_paths"),
    ("wagtail.models.pages", "Page.get_url"),
    ("wagtail.models.pages", "Page.url"),
    ("wagtail.models.sites", "SiteRootPath"),
    ("wagtail.admin.views.pages.listing", "IndexView.get_base_queryset"),
    ("wagtail.admin.views.pages.listing", "IndexView.annotate_queryset"),
    ("wagtail.admin.views.pages.listing", "ExplorableIndexView.get_base_queryset"),
    ("wagtail.admin.views.pages.listing", "ExplorableIndexView.is_searching_whole_tree"),
    ("wagtail.query", "PageQuerySet.annotate_site_root_state"),
]
