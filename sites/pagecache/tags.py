"""Cache tags: what an answer shows, so that a change purges exactly the answers showing it.

- `all`, on every answer: purged by a change whose reach can't be told (a site, a view
  restriction, a redirect, the network's settings);
- `s<site>`, on every answer served on site `<site>` (its header and footer: name, branding,
  sections, contacts): purged by its organization's registry entry or its parent's, its
  branding, a change of a top-level page of it;
- `p<page>`, on the answers showing page `<page>` itself: purged by a change of that page, or
  of a page, image or document it references (Wagtail's reference index);
- `l<site>`, on the answers listing the site's own pages (home, indexes and archive, news pages
  with their previous/next, report index, feed, sitemap, search, not-found): purged by any
  page published, unpublished, moved or deleted on the site;
- `f<site>`, on the answers showing the news flow of the organizations below the site's (home,
  «Новости организаций»): purged by a page change on a site one or two levels below, and by
  their registry entries;
- `a<site>`, on the home pages and «Документы» of the sites below site `<site>`, which show its
  news and documents sent down (news/flow.py HigherFeed, library/models.py): purged by a news
  item or the «Документы» of the site changed, and by its registry entry (the source's name);
- `d`, on the directory pages (they list the registry): purged by any registry change.

Site ids, not hostnames: a tag survives a change of hostname (which purges `all` anyway).
"""

from wagtail.models import Page, ReferenceIndex

from directory.models import ContactsPage, DirectoryPage, Organization
from events.models import EventIndexPage
from home.models import HomePage
from home.site_roots import site_root_paths_for
from library.models import DocumentsPage
from news.flow import HigherFeed
from news.models import NewsIndexPage, NewsPage
from reports.models import PublicReportPage, ReportIndexPage

ALL = "all"
DIRECTORY = "d"
APPLICATION_BLOCK = "application_form"  # home/blocks.py

# The page types whose answers list the site's own pages, or show the flow from below.
LISTING_TYPES = (
    HomePage,
    NewsIndexPage,
    NewsPage,
    ReportIndexPage,
    PublicReportPage,
    EventIndexPage,
)
FLOW_TYPES = (HomePage, NewsIndexPage)
# Views that are not pages: the tags of their answers, by URL name (sites/urls.py).
VIEW_TAGS = {
    "news_feed": ("l",),
    "sitemap": ("l",),
    "search": ("l",),
}
# The home page is depth 2; its children (depth 3) are the sections in every page's header.
SECTION_DEPTH = 3


def site_tag(site_id):
    return f"s{site_id}"


def page_tag(page_id):
    return f"p{page_id}"


def listing_tag(site_id):
    return f"l{site_id}"


def flow_tag(site_id):
    return f"f{site_id}"


def above_tag(site_id):
    return f"a{site_id}"


# --- The tags of an answer --------------------------------------------------------------------


def for_page(page, site):
    """The tags of an answer showing `page` on `site` (before_serve_page: pagecache/hooks.py)."""
    tags = {page_tag(page.pk)}
    specific_class = page.specific_class or type(page)
    if site is not None:
        if issubclass(specific_class, LISTING_TYPES):
            tags.add(listing_tag(site.pk))
        if issubclass(specific_class, FLOW_TYPES):
            tags.add(flow_tag(site.pk))
    if issubclass(specific_class, DirectoryPage) or _shows_application_form(page):
        tags.add(DIRECTORY)
    return tags


def from_above(page, chrome):
    """The tags of the news from above a home page shows on the site of `chrome`: the sites
    above's, kept with the chrome (no query on a warm request)."""
    if not issubclass(page.specific_class or type(page), (HomePage, DocumentsPage)):
        return set()
    return {above_tag(site_id) for site_id in HigherFeed(chrome).site_ids}


def _shows_application_form(page):
    """Does `page` show the application form, whose workplaces are the registry's
    organizations (membership/forms.py)? Read from the stream's raw data: no block is built."""
    body = getattr(page, "body", None)
    raw = getattr(body, "raw_data", None) or ()
    return any(item.get("type") == APPLICATION_BLOCK for item in raw)


def for_view(url_name, site):
    """The tags of a view's answer beyond its site's: `VIEW_TAGS` by URL name."""
    if site is None:
        return set()
    kinds = VIEW_TAGS.get(url_name, ())
    return {f"{kind}{site.pk}" for kind in kinds}


# --- The tags a change purges -----------------------------------------------------------------


def site_of_path(url_path, path=None):
    """The id of the site whose tree holds a page with `url_path` (and tree `path`, when it is
    still there): of the sites rooted at its ancestors (one per site and language, so
    translations find their site too), the nearest (home/site_roots.py: not a scan of every
    site's root path)."""
    roots = site_root_paths_for(url_path, path)
    if not roots:
        return None
    return max(roots, key=lambda root: len(root.root_path)).site_id


def flows_above(site_ids):
    """The flow tags of the sites whose flow may show news of `site_ids` (their parent's and
    grandparent's, news/flow.py), and those sites' registry neighbours: one query."""
    rows = Organization.objects.filter(site_id__in=site_ids).values_list(
        "parent__site_id", "parent__parent__site_id"
    )
    return {flow_tag(site_id) for row in rows for site_id in row if site_id}


def for_page_change(pages, with_referrers=True):
    """What to purge when `pages` (published, unpublished, moved or deleted; any mix of
    types, their url_path as it is or was) change: each page, its site's listings, the flows
    above its site, its site's header for a section, and the pages referencing it."""
    tags = set()
    site_ids = set()
    for page in pages:
        tags.add(page_tag(page.pk))
        site_id = site_of_path(page.url_path, page.__dict__.get("path"))
        if site_id is None:
            continue
        site_ids.add(site_id)
        tags.add(listing_tag(site_id))
        if page.depth <= SECTION_DEPTH or isinstance(page, ContactsPage):
            tags.add(site_tag(site_id))
        if issubclass(page.specific_class or type(page), (NewsPage, DocumentsPage)):
            tags.add(above_tag(site_id))
    if site_ids:
        tags |= flows_above(site_ids)
    if with_referrers:
        tags |= referrers_of(pages)
    return tags


def referrers_of(objects):
    """Page tags of the pages whose content references `objects` (pages, images or documents),
    from Wagtail's reference index: a link's title or an image shown in them."""
    tags = set()
    for obj in objects:
        references = ReferenceIndex.get_references_to(obj).filter(
            base_content_type__app_label="wagtailcore", base_content_type__model="page"
        )
        tags |= {page_tag(int(pk)) for pk in references.values_list("object_id", flat=True)}
    return tags


def for_media_change(obj):
    """An image or a document changed (its title, file or focal point): the pages showing it,
    with their listings (a news card shows its image) and flows."""
    page_ids = [int(tag[1:]) for tag in referrers_of([obj])]
    pages = list(Page.objects.filter(pk__in=page_ids).only("pk", "path", "url_path", "depth"))
    return for_page_change(pages, with_referrers=False) if pages else set()


def for_organization(organization, previous_parent_id=None):
    """A registry entry changed: its site's header, the sites below (whose header names their
    parent), the flows above it (which label news with its name) and the directory."""
    tags = {DIRECTORY}
    if organization.site_id:
        tags |= {site_tag(organization.site_id), above_tag(organization.site_id)}
        tags |= flows_above([organization.site_id])
    children = Organization.objects.filter(
        parent_id=organization.pk, site__isnull=False
    ).values_list("site_id", flat=True)
    tags |= {site_tag(site_id) for site_id in children}
    if previous_parent_id:  # moved in the registry: the old parent's flows too
        previous = Organization.objects.filter(pk=previous_parent_id).values_list(
            "site_id", "parent__site_id"
        )
        tags |= {flow_tag(site_id) for row in previous for site_id in row if site_id}
    return tags
