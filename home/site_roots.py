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

from django.conf import settings
from wagtail.models import Page, Site
from wagtail.models.sites import SiteRootPath

from home.kept import kept_for_network


def site_root_paths_for(url_path):
    """Wagtail's `SiteRootPath`s of the sites a page at `url_path` belongs to (those whose root
    path starts its URL path), in the order `Site.get_site_root_paths()` lists them."""
    found = []
    for depth in root_depths():
        prefix = _ancestor_url_path(url_path, depth)
        if prefix is not None:
            found.extend(kept_for_network(f"site-roots:{prefix}", lambda p=prefix: _roots_at(p)))
    if len(found) > 1:
        # Wagtail's order: the site's root page's URL path, longest (last) first, then the
        # default site, then by hostname. Sorted from the least significant key (stable).
        found.sort(key=lambda entry: entry[2])
        found.sort(key=lambda entry: entry[1], reverse=True)
        found.sort(key=lambda entry: entry[0], reverse=True)
    return tuple(entry[3] for entry in found)


def site_count():
    """How many sites there are (Wagtail's `get_url()` gives a relative URL when only one)."""
    return kept_for_network("site-count", Site.objects.count)


def root_depths():
    """The depths of the pages sites are rooted at (their translations are at the same)."""
    return kept_for_network(
        "site-root-depths",
        lambda: sorted(
            set(Site.objects.values_list("root_page__depth", flat=True).order_by().distinct())
        ),
    )


def _ancestor_url_path(url_path, depth):
    """The URL path of the ancestor at `depth` of the page at `url_path` (the root, at depth
    1, is "/"; each level adds a segment), or None if the page is not that deep."""
    segments = url_path.strip("/").split("/") if url_path.strip("/") else []
    if depth - 1 > len(segments):
        return None
    return "/" + "".join(f"{segment}/" for segment in segments[: depth - 1])


def _roots_at(url_path):
    """(site root page's URL path, is default, hostname, SiteRootPath) of each site rooted at
    the page at `url_path` or, with wagtail-localize, at a page it is a translation of (as
    Wagtail lists each site once for each translation of its root page): two queries."""
    roots = list(Page.objects.filter(url_path=url_path).select_related("locale"))
    if not roots:
        return []
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        keys = {root.translation_key: root for root in roots}
        sites = Site.objects.filter(root_page__translation_key__in=keys)
        root_of = lambda site: keys[site.root_page.translation_key]  # noqa: E731
    else:
        by_pk = {root.pk: root for root in roots}
        sites = Site.objects.filter(root_page__in=by_pk)
        root_of = lambda site: by_pk[site.root_page_id]  # noqa: E731
    found = []
    for site in sites.select_related("root_page"):
        root = root_of(site)
        entry = SiteRootPath(site.id, root.url_path, site.root_url, root.locale.language_code)
        found.append((site.root_page.url_path, site.is_default_site, site.hostname, entry))
    return found
