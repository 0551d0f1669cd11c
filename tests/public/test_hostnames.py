"""The request's site is found from the cache (sites/public/hostnames.py), never differently
from Wagtail, and never stale after a change: a hostile or odd Host header gets what Wagtail
would give it, and a site, page or locale change shows on the next page view."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import Locale, Site

from home.models import HomePage
from sites.patches.internals import find_site
from sites.public.hostnames import site_for_request

pytestmark = pytest.mark.django_db

HOST = "zheleznogorsk.localhost"


def site_queries(queries):
    return [q["sql"] for q in queries if 'FROM "wagtailcore_site"' in q["sql"]]


def test_a_page_view_asks_the_database_for_its_site_once_then_never(client, region, any_cache):
    with CaptureQueriesContext(connection) as first:
        assert client.get("/", HTTP_HOST=HOST).status_code == 200
    with CaptureQueriesContext(connection) as second:
        response = client.get("/", HTTP_HOST=HOST)
    assert region["territorial"].short_name in response.text
    assert site_queries(first.captured_queries)
    assert not site_queries(second.captured_queries)
    home_queries = [q["sql"] for q in second.captured_queries if 'FROM "home_homepage"' in q["sql"]]
    # With Redis the home page is kept with the site; else it is asked for on every view.
    assert len(home_queries) == (0 if any_cache == "Redis" else 1)


@pytest.mark.parametrize(
    "host",
    [
        HOST,
        "ZHELEZNOGORSK.localhost",  # Wagtail lowercases; so do we
        f"{HOST}:8080",
        "nobody.localhost",  # no such site: the default site, as Wagtail gives it
        "localhost",
        "127.0.0.1",
        "evil.localhost:99999",
        "bad host",
        "",
    ],
)
def test_the_site_found_is_wagtails_for_any_host_header(region, host):
    request = RequestFactory().get("/", HTTP_HOST=host or "localhost")
    if not host:
        del request.META["HTTP_HOST"]
    for _attempt in range(2):  # found, then kept
        assert site_for_request(request) == find_site(request)


def test_only_a_sites_own_hostname_is_kept(region):
    """Hostnames no site has fall back to the default site every time, and are not kept: the
    cache does not grow with what visitors put in the Host header."""
    from django.core.cache import cache

    request = RequestFactory().get("/", HTTP_HOST="nobody.localhost")
    default = Site.objects.get(is_default_site=True)
    assert site_for_request(request) == default
    assert not [key for key in cache._cache if "nobody.localhost" in key]


def test_a_hostname_changed_in_the_admin_moves_the_site_at_once(client, region, any_cache):
    site = region["territorial"].site
    assert client.get("/", HTTP_HOST=HOST).status_code == 200  # kept now
    site.hostname = "zhgorsk.localhost"
    site.save()
    response = client.get("/", HTTP_HOST="zhgorsk.localhost")
    assert region["territorial"].short_name in response.text
    # The old hostname is nobody's now: the default (regional) site answers, not the old one.
    old = client.get("/", HTTP_HOST=HOST)
    assert region["territorial"].short_name not in old.text.split("<main", 1)[1]


def test_the_home_page_kept_with_the_site_is_renewed_when_it_is_published(
    client, region, any_cache
):
    assert client.get("/", HTTP_HOST=HOST).status_code == 200  # kept now, with its home page
    home = HomePage.objects.get(pk=region["territorial"].site.root_page_id)
    home.intro = "<p>Итоги года: вступили 120 новых членов</p>"
    home.save_revision().publish()
    assert "120 новых членов" in client.get("/", HTTP_HOST=HOST).text


def test_the_active_locale_is_kept_and_renewed_when_locales_change(region):
    russian = Locale.objects.get(language_code="ru")
    with translation.override("ru"):
        assert Locale.get_active() == russian
        with CaptureQueriesContext(connection) as queries:
            assert Locale.get_active() == russian
        assert not queries.captured_queries
    english = Locale.objects.create(language_code="en")
    with translation.override("en"):
        assert Locale.get_active() == english
    english.delete()
    with translation.override("en"):
        assert Locale.get_active() == russian  # Wagtail's fallback: the default locale


def test_a_section_kept_with_the_chrome_is_renewed_when_published_or_unpublished(
    client, region, any_cache
):
    """With Redis the site's sections (the home page's children) are kept with its chrome:
    an edit published, or the section unpublished, shows on the next view."""
    from news.models import NewsIndexPage

    index = NewsIndexPage.objects.child_of(region["territorial"].site.root_page).get()
    assert client.get("/novosti/", HTTP_HOST=HOST).status_code == 200  # kept now
    index.intro = "Все события организации за год"
    index.save_revision().publish()
    assert "Все события организации за год" in client.get("/novosti/", HTTP_HOST=HOST).text
    index.unpublish()
    assert client.get("/novosti/", HTTP_HOST=HOST).status_code == 404


def test_editors_requests_find_the_site_as_wagtail_does(rf, region, any_cache):
    """The admin, previews and forms never get a site (with its home page) kept from an
    earlier reader's view: only readers' GET and HEAD requests do."""
    from sites.public.hostnames import SiteByHostnameMiddleware

    seen = {}

    def view(request):
        seen["kept"] = hasattr(request, "_wagtail_site")
        return None

    middleware = SiteByHostnameMiddleware(view)
    for method, path, kept in [
        ("get", "/", True),
        ("head", "/novosti/", True),
        ("post", "/", False),
        ("get", "/admin/pages/", False),
        ("get", "/documents/1/otchet.pdf", False),
    ]:
        middleware(getattr(rf, method)(path, HTTP_HOST=HOST))
        assert seen["kept"] is kept, (method, path)
