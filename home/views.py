"""Public views beside the page tree: search within a site, and robots.txt per hostname."""

from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Page, Site

from directory.models import Organization
from home.listing import paginate
from home.site_roots import SiteRoots
from news.models import NewsPage

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def organizations_by_root_path():
    """Every organization with a site, by its site's root path (one query)."""
    organizations = Organization.objects.filter(site__isnull=False).select_related(
        "site__root_page"
    )
    return SiteRoots((org.site.root_page.path, org) for org in organizations)


@require_GET
def search(request):
    """`/search/?q=`: the current site's live pages, paginated; on the regional site (the
    default one) `?all=1` searches every site. Russian stemming comes from the PostgreSQL
    search configuration (settings: WAGTAILSEARCH_BACKENDS); SQLite matches whole words."""
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    can_search_all = site.is_default_site
    search_all = can_search_all and request.GET.get("all") == "1"
    results_page = paginator = None
    page_range = []
    if query:
        pages = Page.objects.live().public().exclude(depth=1).filter(locale=Locale.get_active())
        if not search_all:
            pages = pages.descendant_of(site.root_page, inclusive=True)
        pagination = paginate(pages.search(query, operator="and"), request, RESULTS_PER_PAGE)
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
    searching all sites, the organization it comes from: two queries for the whole page."""

    pages = list(results_page)
    leads = dict(
        NewsPage.objects.filter(pk__in=[page.pk for page in pages]).values_list("pk", "lead")
    )
    roots = organizations_by_root_path() if search_all else None
    for page in pages:
        page.snippet = page.search_description or leads.get(page.pk, "")
        page.source_organization = roots.of(page) if search_all else None


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
