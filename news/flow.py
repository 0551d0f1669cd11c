"""The regional news flow: a news item its editors flag «Показать в ленте
вышестоящей организации» appears, with its source organization and a link to the original, on
the sites of the organizations above it in the registry: a primary organization's on its
territorial organization's site and on the regional site, a territorial organization's on the
regional site.

No news is copied or cached: the feed is a query over the live pages at request time, so
unflagging, unpublishing, moving or deleting a news item shows at once on every site. It costs
a fixed number of queries however many organizations and news there are:

1. the organizations below the site's organization that have a site (one query on the
   registry, following `Organization.parent`, never the page tree: the hierarchy lives in the
   registry and the page trees are flat). Kept with the site chrome (directory/chrome.py),
   which any registry or site change renews, as it does the organization the chrome names;
2. the news under those sites' root pages: one `IN` over the tree tops kept on the news rows
   (home/tree_top.py: the region's flagged news by an index, not every flagged item of the
   network), or over a fixed-length prefix of their tree paths per distinct root path length
   where a site is rooted deeper than a home page; never one `LIKE` per site, which with
   hundreds of primary organizations would make a statement too deep for SQLite;
3. the images' renditions (prefetched).

An item under a view restriction (on itself or an ancestor) never leaves its own site: that is
a condition of the news query (`home.listing.unrestricted`), not Wagtail's `public()`, which
costs a query of its own.

Each item's source is then found in memory from its path prefix, and its link is its full
URL on its own site's hostname (Wagtail's cached site root paths; no query per item).
"""

from dataclasses import dataclass
from urllib.parse import quote

from django.db.models import Manager, Q
from wagtail.models import Site

from directory.chrome import chrome_for_request
from directory.models import Organization
from home.listing import URL_PATH_SAFE, under_home_paths, unrestricted
from home.prepared import Prepared, Slot
from home.site_roots import SiteRoots
from home.tree_top import TOP_LENGTH


@dataclass(frozen=True)
class Source:
    """The organization a news item in the feed comes from."""

    pk: int
    short_name: str
    name: str
    root_path: str
    root_url_path: str = ""
    home_url: str = ""  # its site's home page's full URL, as Wagtail gives it

    def url_of(self, page):
        """The full URL of `page`, on this organization's site: its home page's and the rest
        of its path, since Wagtail's URLs follow the tree."""
        return self.home_url + quote(page.url_path[len(self.root_url_path) :], safe=URL_PATH_SAFE)


class _Feed:
    """News of other organizations' sites (`sources`: a Source by its site's root path)."""

    sources = SiteRoots({})

    def __bool__(self):
        return bool(self.sources)

    def _by_length(self):
        return {
            length: [path for path in self.sources.by_root_path if len(path) == length]
            for length in self.sources.lengths
        }

    def label(self, items, request=None):
        """Give each news item its `source` (a Source) and `original_url` (absolute, on the
        source organization's own hostname: the original stays the canonical address)."""
        items = list(items)
        for item in items:
            item.source = self.sources.of(item)
            item.original_url = (
                item.source.url_of(item)
                if item.source is not None and item.source.home_url
                else item.get_full_url(request)
            )
        return items


class OrganizationsFeed(_Feed):
    """Flagged, live, public news of the organizations below a site's organization."""

    def __init__(self, chrome):
        """The feed of the site of `chrome` (directory.chrome.SiteChrome), which keeps the
        organizations below."""
        site = chrome.site
        if site is None:
            return
        rows = chrome.kept("organizations-below", lambda: _organizations_below(site))
        self.sources = SiteRoots((row[3], Source(*row)) for row in rows)

    def flagged(self, pages):
        """The live pages among `pages` (news or events, by their manager) flagged for the
        organizations above, under the sources' home pages, none under a view restriction
        (shown on another site's pages: no restriction of the item's own site is passed)."""
        if not self.sources:
            return pages.none()
        flagged = unrestricted(pages.live().filter(show_in_parent_feed=True))
        return _under(flagged, self._by_length())

    def news(self, news_pages):
        """The feed's news among `news_pages` (`NewsPage.objects`), newest first, loaded for a
        listing (images and their renditions prefetched, bodies deferred). Label a page of it
        with `label()`."""
        if not self.sources:
            return news_pages.none()
        return self.flagged(news_pages).loaded_for_listing().order_by("-date", "-pk")

    def latest(self, count, news_pages):
        """The first `count` of `news()` as a list, by the same query, prepared
        (home/prepared.py): built and compiled once, not on every view. Not loaded for the
        cards (`news.models.news_page.load_for_cards()`)."""
        if not self.sources:
            return []
        shape = tuple(
            (length, sum(1 for path in self.sources.by_root_path if len(path) == length))
            for length in self.sources.lengths
        )
        values = {}
        for length in self.sources.lengths:
            paths = sorted(path for path in self.sources.by_root_path if len(path) == length)
            values.update((f"root{length}_{number}", path) for number, path in enumerate(paths))
        return _latest_prepared(news_pages)((shape, count), **values)


class HigherFeed(_Feed):
    """News down the tree: the live, public news the organizations above a site's (its
    territorial organization and the regional one, or the regional one for a territorial
    site) marked «На сайты организаций», for «Новости вышестоящих организаций». At most
    two sites' news, by the tree top kept on their rows; the organizations above are kept
    with the site chrome (two queries when it is renewed)."""

    def __init__(self, chrome):
        organization = chrome.organization
        if chrome.site is None or organization is None or organization.parent_id is None:
            return
        self.chrome = chrome
        rows = chrome.kept("organizations-above", lambda: _organizations_above(organization))
        self.sources = SiteRoots((row[3], Source(*row[:6])) for row in rows)
        self.site_ids = [row[6] for row in rows]

    site_ids = ()

    def latest(self, count, news_pages, request=None):
        """The newest `count` of those news among `news_pages` (`NewsPage.objects`),
        labelled (`label()`), loaded for a listing (not for the cards). Kept with the site
        chrome: any publish, unpublish, move, delete or restriction renews it, so what is
        taken back leaves every site at once, and a warm home page makes no query for it."""
        if not self.sources:
            return []
        by_length = self._by_length()

        def build():
            news = unrestricted(news_pages.live().filter(show_on_sites_below=True))
            listing = _under(news, by_length).loaded_for_listing()
            return list(listing.order_by("-date", "-pk")[:count])

        return self.label(self.chrome.kept(f"news-from-above:{count}", build), request)


_LATEST = {}


def _latest_prepared(news_pages):
    """The prepared query of `OrganizationsFeed.latest()`, for the news model of `news_pages`
    (the model's whole manager: a filtered queryset is refused, not silently ignored)."""
    model = news_pages.model
    if not isinstance(news_pages, Manager):
        raise ValueError("OrganizationsFeed.latest() takes the news model's manager")
    if model not in _LATEST:

        def build(lengths, count):
            news = unrestricted(model.objects.live().filter(show_in_parent_feed=True))
            slots = {
                length: [Slot(f"root{length}_{number}") for number in range(paths)]
                for length, paths in lengths
            }
            listing = _under(news, slots).loaded_for_listing()
            return listing.order_by("-date", "-pk")[:count]

        _LATEST[model] = Prepared(build)
    return _LATEST[model]


def _under(flagged, paths_by_length):
    """The `flagged` items under the home pages whose paths are given by length (values or a
    prepared query's slots): by the tree top kept on their rows (home/tree_top.py) when every
    site is rooted at a home page under the root, as onboarding makes them; by the prefix of
    their paths otherwise (a site rooted deeper)."""
    if set(paths_by_length) == {TOP_LENGTH}:
        return flagged.filter(tree_top__in=paths_by_length[TOP_LENGTH])
    return under_home_paths(flagged, paths_by_length)


def _organizations_below(site):
    """(pk, short name, name, its site's root path, root URL path, home page's full URL) of
    each organization below `site`'s: one query, kept with the site chrome. A home page's
    full URL is its site's root URL: no lookup of its sites (a query or two for each of a
    region's hundreds of organizations whenever the kept values are renewed)."""
    rows = (
        Organization.objects.filter(
            Q(parent__site=site) | Q(parent__parent__site=site),
            site__isnull=False,
            kind__in=[Organization.Kind.TERRITORIAL, Organization.Kind.PRIMARY],
        )
        .values_list(
            "pk",
            "short_name",
            "name",
            "site__root_page__path",
            "site__root_page__url_path",
            "site__hostname",
            "site__port",
        )
        .order_by()
    )
    return [
        (pk, short_name, name, path, url_path, Site(hostname=hostname, port=port).root_url + "/")
        for pk, short_name, name, path, url_path, hostname, port in rows
    ]


def _organizations_above(organization):
    """The Source fields of the organizations above `organization` that have a site (its
    parent and its parent's parent), and their sites' ids: two queries."""
    parents = Organization.objects.filter(pk=organization.parent_id).values_list("parent_id")
    rows = Organization.objects.filter(
        Q(pk=organization.parent_id) | Q(pk__in=parents), site__isnull=False
    ).values_list(
        "pk",
        "short_name",
        "name",
        "site__root_page__path",
        "site__root_page__url_path",
        "site__hostname",
        "site__port",
        "site_id",
    )
    return [
        (pk, short, name, path, url_path, Site(hostname=host, port=port).root_url + "/", site_id)
        for pk, short, name, path, url_path, host, port, site_id in rows.order_by()
    ]


def feeds_organizations(organization):
    """Do sites of this kind of organization show the news of organizations below them?"""
    return organization is not None and organization.kind in (
        Organization.Kind.REGIONAL,
        Organization.Kind.TERRITORIAL,
    )


def site_organization(request):
    """The registry organization of the site serving `request`, from the cached site chrome
    (no query on a warm request; the chrome is renewed on any registry change)."""
    return chrome_for_request(request).organization
