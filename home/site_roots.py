"""Which sites a page belongs to, for its URL, without reading every site's root path.

Wagtail builds a page's URL from `Site.get_site_root_paths()`: a list of every site (one entry
per site and language), kept in the cache as one value and scanned for each URL. With
thousands of sites that is a large value read on every page view, a scan for every URL, and,
when the cache is cold, a query per site (each site's translations). Here a page's candidates
are found from its own URL path instead: a site's root is one of the page's ancestors, at a
depth some site is rooted at (the home pages: depth 2), so only the ancestors' paths at those
depths are looked up, each in one query the first time, then kept with the generation (any
publish, move, site or locale change renews it, `home/kept.py`). The answer, and its order,
is Wagtail's: tests/home/test_site_roots.py compares them page by page.

`sites/patches/speed.py` puts this under Wagtail's `Page._get_relevant_site_root_paths()`
and `Page.get_url()` (which counts the sites, `site_count()`)."""

from collections import defaultdict

from django.conf import settings
from django.db import models
from django.db.models import Q
from wagtail.models import Page, Site
from wagtail.models.sites import SiteRootPath

from home.kept import invalidate, kept_for_network


def site_root_paths_for(url_path, path=None):
    """Wagtail's `SiteRootPath`s of the sites a page at `url_path` belongs to (those whose root
    path starts its URL path), in the order `Site.get_site_root_paths()` lists them: one
    query for the chain of its ancestors at the depths sites are rooted at, kept under the
    deepest of them (which determines the others). With the page's tree `path`, the
    ancestors are read by their paths (an index; URL paths have none), else by URL path."""
    depths = [depth for depth in root_depths() if _ancestor_url_path(url_path, depth) is not None]
    if not depths:
        return ()
    prefixes = [_ancestor_url_path(url_path, depth) for depth in depths]

    def roots():
        if path is not None:
            paths = [path[: depth * Page.steplen] for depth in depths]
            found = _roots_at(Q(path__in=paths), url_paths=prefixes)
            # None: an instance whose path is stale (a sibling moved before it) found other
            # pages than its ancestors; its URL path decides then, as in Wagtail.
            if found is not None:
                return found
        return _roots_at(Q(url_path__in=prefixes))

    return tuple(kept_for_network(f"site-roots:{prefixes[-1]}", roots))


def site_count():
    """How many sites there are (Wagtail's `get_url()` gives a relative URL when only one)."""
    return kept_for_network("site-count", Site.objects.count)


def root_depths():
    """The depths of the pages sites are rooted at, and of their translations (a site is
    served in each language from its root page's translation, wherever that is): kept in the
    database (`SiteRootDepth`), since finding them joins every site's root to its
    translations, a query that grows with the network, and every page's URL needs them."""

    def depths():
        known = sorted(SiteRootDepth.objects.values_list("depth", flat=True))
        if not known and Site.objects.exists():  # sites made before the depths were kept
            known = note_root_depths(Page.objects.all()) or []
        return known

    return kept_for_network("site-root-depths", depths)


class SiteRootDepth(models.Model):
    """A depth of the page tree at which a site's root page, or a translation of one, is.
    Added to as sites are made and such pages made or moved (`note_root_depths()`); a
    depth no root is at any more stays, costing a URL one more candidate ancestor."""

    depth = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        app_label = "home"

    def __str__(self):
        return str(self.depth)


def note_root_depths(pages):
    """Keep the depths of those of `pages` (a Page QuerySet) that are a site's root or a
    translation of one; the depths known after (None when none of `pages` is such a page).
    One query through indexes for a few pages that are none, two or three for a root;
    renews the kept values when a depth is new (rare: sites are rooted at depth 2)."""
    keys = Site.objects.filter(
        root_page__translation_key__in=pages.values("translation_key")
    ).values("root_page__translation_key")
    found = set(
        pages.filter(translation_key__in=keys).order_by().values_list("depth", flat=True).distinct()
    )
    if not found:
        return None
    known = set(SiteRootDepth.objects.values_list("depth", flat=True))
    if found - known:
        SiteRootDepth.objects.bulk_create(
            [SiteRootDepth(depth=depth) for depth in sorted(found - known)],
            ignore_conflicts=True,
        )
        invalidate()
    return sorted(known | found)


def site_saved(sender, instance, **kwargs):
    """`post_save` of a Site: its root page's depth, and its translations'."""
    root = Page.objects.filter(pk=instance.root_page_id)
    note_root_depths(Page.objects.filter(translation_key__in=root.values("translation_key")))


def page_saved(sender, instance, created, raw=False, **kwargs):
    """`post_save` of a new page: a translation of a site's root page (wagtail-localize)."""
    if created and not raw and isinstance(instance, Page):
        note_root_depths(Page.objects.filter(pk=instance.pk))


def page_moved(sender, instance, **kwargs):
    """`post_page_move`: a site's root, or a translation of one, anywhere in what moved."""
    note_root_depths(Page.objects.descendant_of(instance, inclusive=True))


def _ancestor_url_path(url_path, depth):
    """The URL path of the ancestor at `depth` of the page at `url_path` (the root, at depth
    1, is "/"; each level adds a segment), or None if the page is not that deep."""
    segments = url_path.strip("/").split("/") if url_path.strip("/") else []
    if depth - 1 > len(segments):
        return None
    return "/" + "".join(f"{segment}/" for segment in segments[: depth - 1])


def _roots_at(ancestors, url_paths=None):
    """The SiteRootPaths of the sites rooted at the `ancestors` (a condition on pages) or, with
    wagtail-localize, at a page they are translations of (Wagtail lists each site once for
    each translation of its root page), in Wagtail's order: by their root page's URL path,
    longest first, the default site first, then by hostname, in the database's collation as
    Wagtail sorts them; each site's translations in tree order. Two queries. With
    `url_paths`, None unless the ancestors found are the pages at those URL paths."""
    roots = list(Page.objects.filter(ancestors).select_related("locale").order_by("path"))
    if url_paths is not None and {root.url_path for root in roots} != set(url_paths):
        return None
    if not roots:
        return []
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        by_key = defaultdict(list)
        for root in roots:
            by_key[root.translation_key].append(root)
        sites = Site.objects.filter(root_page__translation_key__in=by_key)
        roots_of = lambda site: by_key[site.root_page.translation_key]  # noqa: E731
    else:
        by_pk = {root.pk: [root] for root in roots}
        sites = Site.objects.filter(root_page__in=by_pk)
        roots_of = lambda site: by_pk[site.root_page_id]  # noqa: E731
    sites = sites.select_related("root_page").order_by(
        "-root_page__url_path", "-is_default_site", "hostname"
    )
    return [
        SiteRootPath(site.id, root.url_path, site.root_url, root.locale.language_code)
        for site in sites
        for root in roots_of(site)
    ]


class SiteRoots:
    """Values by the path of a site's root page: `of(page)` is the value of the site the page
    belongs to (the longest root path its own path starts with), found in memory."""

    def __init__(self, by_root_path):
        self.by_root_path = dict(by_root_path)
        self.lengths = sorted({len(path) for path in self.by_root_path})

    def __bool__(self):
        return bool(self.by_root_path)

    def of(self, page):
        for length in reversed(self.lengths):
            value = self.by_root_path.get(page.path[:length])
            if value is not None:
                return value
        return None
