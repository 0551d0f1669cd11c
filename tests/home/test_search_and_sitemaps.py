"""Per-site search, sitemap and robots.txt: each hostname finds, lists
and points to its own live pages only; the regional site can search every site."""

import xml.etree.ElementTree as ET  # our own sitemap, not untrusted input

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from news.models import NewsPage
from sites.onboarding.services import onboard

from .. import factories
from ..home.test_sites import add_news, get, news_index

pytestmark = pytest.mark.django_db

SEARCH_BUDGET = 20
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def titles(response):
    html = response.content.decode()
    return [line for line in html.splitlines() if "search-results__link" in line]


def test_search_finds_only_the_current_sites_live_pages(client, region):
    add_news(region["territorial"], 3)
    add_news(region["other"], 2)
    draft = NewsPage(title="Новость черновик", slug="draft", lead="Черновик", live=False)
    news_index(region["territorial"]).add_child(instance=draft)

    response = get(client, "zheleznogorsk.localhost", "/search/", q="Новость")
    assert response.status_code == 200
    found = "\n".join(titles(response))
    assert "Новость 46-01 № 0" in found and "Новость 46-01 № 2" in found
    assert "46-02" not in found, "another site's news"
    assert "черновик" not in found
    leads = get(client, "zheleznogorsk.localhost", "/search/", q="Анонс")
    assert "Найдено 3 страницы" in leads.content.decode()  # the 3 live news of this site
    assert 'href="/novosti/news-0/"' in found  # a relative link on its own site

    rylsk = "\n".join(titles(get(client, "rylsk.localhost", "/search/", q="Новость")))
    assert "Новость 46-02 № 1" in rylsk and "46-01" not in rylsk


def test_only_the_regional_site_searches_every_site(client, region):
    add_news(region["territorial"], 1)
    add_news(region["other"], 1)
    response = get(client, "localhost", "/search/", q="Новость", all="1")
    html = response.content.decode()
    assert "Новость 46-01 № 0" in html and "Новость 46-02 № 0" in html
    assert "http://zheleznogorsk.localhost/novosti/news-0/" in html  # absolute, canonical
    assert "Железногорская городская организация" in html  # the source organization
    assert 'id="search-page-all"' in html

    local = get(client, "zheleznogorsk.localhost", "/search/", q="Новость", all="1")
    assert "46-02" not in "\n".join(titles(local))
    assert 'id="search-page-all"' not in local.content.decode()


def another_region(code="57"):
    """Another regional organization of the install (the union has 85), with a territorial
    one and a primary below it, each with its site."""
    regional = factories.org("regional", code, f"Регион {code}", f"region{code}")
    territorial = factories.org(
        "territorial", f"{code}-01", f"Город {code}", f"city{code}", regional
    )
    primary = factories.org(
        "primary", f"{code}-01-001", f"Школа {code}", f"school{code}", territorial
    )
    for organization in (regional, territorial, primary):
        onboard(organization)
        organization.refresh_from_db()
    return {"regional": regional, "territorial": territorial, "primary": primary}


def test_a_region_searches_its_own_sites_and_no_other_regions(client, region):
    orel = another_region()
    add_news(region["primary"], 1)
    add_news(orel["primary"], 1)
    add_news(orel["regional"], 1, offset=5)
    kursk = "\n".join(titles(get(client, "localhost", "/search/", q="Новость", all="1")))
    assert "Новость 46-01-001 № 0" in kursk, "a primary two levels down"
    assert "57" not in kursk, "another region's sites"
    response = get(client, "region57.localhost", "/search/", q="Новость", all="1")
    found = "\n".join(titles(response))
    assert "Новость 57-01-001 № 0" in found and "Новость 57 № 5" in found
    assert "46-01" not in found
    assert "Школа 57" in response.content.decode(), "the source organization"
    # A territorial site searches only itself, whatever it asks for.
    city = get(client, "city57.localhost", "/search/", q="Новость", all="1")
    assert all('href="/' in line for line in titles(city)), "its own pages only"
    assert "57-01-001" not in "\n".join(titles(city))
    assert 'id="search-page-all"' not in city.content.decode()


def test_a_regions_search_costs_the_same_however_many_regions_there_are(client, region):
    add_news(region["primary"], 2)
    counts = {}
    for regions in (1, 4):
        for number in range(len(counts), regions):
            add_news(another_region(str(60 + number))["primary"], 2)
        get(client, "localhost", "/search/", q="Анонс", all="1")
        with CaptureQueriesContext(connection) as queries:
            response = get(client, "localhost", "/search/", q="Анонс", all="1")
        assert len(titles(response)) == 2
        counts[regions] = len(queries)
    assert counts[1] == counts[4] <= SEARCH_BUDGET, counts


def test_search_paginates_and_keeps_the_query(client, region):
    add_news(region["territorial"], 25)
    first = get(client, "zheleznogorsk.localhost", "/search/", q="Анонс")
    assert len(titles(first)) == 10
    assert 'href="?q=%D0%90%D0%BD%D0%BE%D0%BD%D1%81&amp;page=2"' in first.content.decode()
    third = get(client, "zheleznogorsk.localhost", "/search/", q="Анонс", page=3)
    assert len(titles(third)) == 5
    beyond = get(client, "zheleznogorsk.localhost", "/search/", q="Анонс", page=99)
    assert len(titles(beyond)) == 5  # the last page


def test_an_empty_query_shows_the_form_and_nothing_found_says_so(client, region):
    empty = get(client, "zheleznogorsk.localhost", "/search/")
    assert empty.status_code == 200 and 'name="q"' in empty.content.decode()
    assert "search-results" not in empty.content.decode()
    none = get(client, "zheleznogorsk.localhost", "/search/", q="абракадабра")
    assert "Ничего не найдено" in none.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Russian stemming is PostgreSQL's")
def test_russian_word_forms_are_found_on_postgresql(client, region):
    index = news_index(region["territorial"])
    page = NewsPage(title="Конкурс для учителей", slug="konkurs", lead="Учитель года")
    index.add_child(instance=page)
    page.save_revision().publish()
    found = "\n".join(titles(get(client, "zheleznogorsk.localhost", "/search/", q="учитель")))
    assert "Конкурс для учителей" in found


def test_every_page_has_the_search_form(client, region):
    html = get(client, "zheleznogorsk.localhost").content.decode()
    assert 'role="search"' in html and 'action="/search/"' in html


def test_search_query_count_does_not_grow_with_results(client, region):
    counts = {}
    for total in (5, 50):
        have = NewsPage.objects.descendant_of(region["territorial"].site.root_page).count()
        add_news(region["territorial"], total - have, offset=have)
        for host, params in (("zheleznogorsk.localhost", {}), ("localhost", {"all": "1"})):
            get(client, host, "/search/", q="Новость", **params)  # warm
            with CaptureQueriesContext(connection) as queries:
                response = get(client, host, "/search/", q="Новость", **params)
            assert response.status_code == 200
            counts[(host, total)] = len(queries)
    for host in ("zheleznogorsk.localhost", "localhost"):
        assert counts[(host, 5)] == counts[(host, 50)], counts
        assert counts[(host, 50)] <= SEARCH_BUDGET, counts


def sitemap_urls(client, host):
    response = get(client, host, "/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314
    return [loc.text for loc in root.iter(f"{SITEMAP}loc")]


def test_each_hostnames_sitemap_lists_its_own_live_pages(client, region):
    add_news(region["territorial"], 2)
    urls = sitemap_urls(client, "zheleznogorsk.localhost")
    assert "http://zheleznogorsk.localhost/" in urls
    assert "http://zheleznogorsk.localhost/novosti/news-1/" in urls
    assert all(url.startswith("http://zheleznogorsk.localhost/") for url in urls), urls
    rylsk = sitemap_urls(client, "rylsk.localhost")
    assert all(url.startswith("http://rylsk.localhost/") for url in rylsk), rylsk
    assert not any("news-1" in url for url in rylsk)


def test_robots_txt_points_to_the_hostnames_sitemap(client, region):
    response = get(client, "rylsk.localhost", "/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: http://rylsk.localhost/sitemap.xml" in body
    assert "Disallow: /admin/" in body
