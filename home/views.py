"""Public views beside the page tree: search within a site, and robots.txt per hostname."""

from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Page, Site

from directory.below import home_paths_below, pages_under
from directory.chrome import chrome_for_request
from directory.models import Organization
from home.search_tops import paginate_search, search_under
from home.site_roots import root_depths
from news.models import NewsPage

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


@require_GET
def search(request):
    """`/search/?q=`: the current site's live pages, paginated; on a regional site `?all=1`
    searches every site of its region (the regional organization's and those of the
    organizations below it: the union's 85 regions share an install, and a member of one
    looks for its organizations, not another's). Russian stemming comes from the PostgreSQL
    search configuration (settings: WAGTAILSEARCH_BACKENDS); SQLite matches whole words."""
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    organization = chrome_for_request(request).organization
    can_search_all = organization is not None and organization.kind == Organization.Kind.REGIONAL
    search_all = can_search_all and request.GET.get("all") == "1"
    results_page = paginator = None
    page_range = []
    if query:
        pages = Page.objects.live().public().exclude(depth=1).filter(locale=Locale.get_active())
        if search_all:
            homes = home_paths_below(organization, own_site=True, translations=True)
            pages = pages_under(homes, pages)
        else:
            homes = [site.root_page.path]
            pages = pages.descendant_of(site.root_page, inclusive=True)
        results = search_under(homes, query, pages, operator="and")
        pagination = paginate_search(results, request, RESULTS_PER_PAGE)
        results_page, paginator = pagination["page_obj"], pagination["paginator"]
        page_range = pagination["page_range"]
        _annotate(results_page, search_all)
    return TemplateResponse(
        request,
        "home/search.html",
        {
            "query": query,
            "search_all": search_all,
            "can_search_all": can_search_all,
            "results_page": results_page,
            "paginator": paginator,
            "page_range": page_range,
        },
    )


def _annotate(results_page, search_all):
    """A snippet for each result (its search description, else a news item's lead) and, when
    searching all sites, the organization it comes from: two queries for the whole page,
    three with the sources (only those of the page's results, never every site's)."""

    pages = list(results_page)
    leads = dict(
        NewsPage.objects.filter(pk__in=[page.pk for page in pages]).values_list("pk", "lead")
    )
    sources = _sources(pages) if search_all else {}
    for page in pages:
        page.snippet = page.search_description or leads.get(page.pk, "")
        page.source_organization = sources.get(page.pk)


def _sources(pages):
    """{page id: the organization whose site it is on} for `pages`: a site's root is one of
    a page's ancestors at a depth sites (or their translations) are rooted at, and a page in
    another language belongs to the site of its root's translation."""
    depths = root_depths()
    steplen = Page.steplen
    candidates = {page.path[: depth * steplen] for page in pages for depth in depths}
    roots = dict(Page.objects.filter(path__in=candidates).values_list("path", "translation_key"))
    organizations = {
        organization.site.root_page.translation_key: organization
        for organization in Organization.objects.filter(
            site__root_page__translation_key__in=set(roots.values())
        ).select_related("site__root_page")
    }
    found = {}
    for page in pages:
        for depth in reversed(depths):  # the deepest site a page is in is its own
            key = roots.get(page.path[: depth * steplen])
            if key in organizations:
                found[page.pk] = organizations[key]
                break
    return found


@require_GET
def robots_txt(request):
    """Each hostname's robots.txt points to its own sitemap."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
