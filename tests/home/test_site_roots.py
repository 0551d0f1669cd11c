"""A page's URL from the sites rooted at its ancestors (home/site_roots.py), not from a scan
of every site's root path: the same URLs as Wagtail's, for every page, from every host; no
reader's page view reads the list of every site; a cold start costs the same queries however
many sites there are."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from home.models import StandardPage
from home.site_roots import SiteRootDepth, root_depths
from sites.network.building import add_published_child
from sites.onboarding.services import onboard

from .. import factories
from .test_translations import publish_english

pytestmark = pytest.mark.django_db

PATCHED = Page._get_relevant_site_root_paths


@pytest.fixture
def network(region, django_user_model):
    """The small region, with the territorial site in English too, a second hostname on the
    primary's root page, and a site rooted inside the other territorial site."""
    editor = django_user_model.objects.create_user("editor-zh", password="x")
    editor.groups.add(region["territorial"].editors_group)
    publish_english(region, editor)
    primary_home = Page.objects.get(pk=region["primary"].home_page_id)
    Site.objects.create(hostname="www.school5-zh.localhost", root_page=primary_home, port=80)
    other_home = Page.objects.get(pk=region["other"].home_page_id)
    inner = add_published_child(other_home, StandardPage(title="Музей", slug="muzey"))
    add_published_child(inner, StandardPage(title="Зал", slug="zal"))
    Site.objects.create(hostname="muzey.localhost", root_page=inner, port=80)
    cache.clear()
    return region


def every_url(hosts):
    """Each live page's URL parts, URL from each host and from none, and full URL."""
    factory = RequestFactory()
    urls = {}
    for page in Page.objects.live().specific().order_by("path"):
        urls[page.pk, None] = (page.get_url_parts(), page.get_url(), page.get_full_url())
        for host in hosts:
            request = factory.get("/", HTTP_HOST=host)
            urls[page.pk, host] = (
                page.get_url_parts(request),
                page.get_url(request),
                page.get_full_url(request),
            )
    return urls


def test_every_pages_urls_are_wagtails(network, monkeypatch):
    hosts = [site.hostname for site in Site.objects.all()]
    ours = every_url(hosts)
    for page in Page.objects.all():
        assert page._get_relevant_site_root_paths() == PATCHED.wagtails(page), page.url_path
    monkeypatch.setattr(Page, "_get_relevant_site_root_paths", PATCHED.wagtails)
    monkeypatch.setattr(Page, "get_url", Page.get_url.wagtails)
    assert ours == every_url(hosts)
    assert any(parts[0] and parts[0][1].startswith("http://muzey.") for parts in ours.values())


def test_a_readers_pages_never_read_every_sites_root_path(network, client, monkeypatch):
    def every_site(*args, **kwargs):
        raise AssertionError("Site.get_site_root_paths() read on a reader's page view")

    monkeypatch.setattr(Site, "get_site_root_paths", staticmethod(every_site))
    for site in Site.objects.all():
        for path in ("/", "/novosti/", "/feed/", "/sitemap.xml", "/en/"):
            response = client.get(path, HTTP_HOST=site.hostname)
            assert response.status_code in (200, 301, 302, 404), (site.hostname, path)
    english = client.get("/en/", HTTP_HOST=network["territorial"].site.hostname)
    assert english.status_code == 200
    assert "Zheleznogorsk city organization" in english.content.decode()


def first_view_queries(client, host):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/", HTTP_HOST=host).status_code == 200
    return len(queries)


def test_a_cold_start_costs_the_same_with_ten_times_the_sites(region, client):
    host = region["primary"].site.hostname
    few = first_view_queries(client, host)
    for number in range(12):
        primary = factories.org(
            "primary",
            f"46-01-1{number:02d}",
            f"ППО № {number}",
            f"p{number}",
            region["territorial"],
        )
        onboard(primary)
    assert Site.objects.count() >= 16
    assert first_view_queries(client, host) == few


def test_a_regional_sites_cold_start_costs_the_same_with_more_organizations(region, client):
    """The regional home lists the organizations below for its flow: their home pages' URLs
    come from their sites, not from a lookup of each home page's sites (two queries each,
    for every organization of the region, whenever the kept values were renewed)."""
    host = region["regional"].site.hostname
    few = first_view_queries(client, host)
    for number in range(8):
        onboard(
            factories.org(
                "primary",
                f"46-01-2{number:02d}",
                f"ППО № {number}",
                f"q{number}",
                region["territorial"],
            )
        )
    assert first_view_queries(client, host) == few


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
def test_postgresql_compiles_no_query():
    """JIT compilation cost 25-350 ms on the listings' queries at 8,000 sites, to run 3 ms."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def wagtails_and_ours(monkeypatch):
    """(mismatches of the relevant root paths, of the URLs) between ours and Wagtail's."""
    hosts = [site.hostname for site in Site.objects.all()]
    ours = every_url(hosts)
    mismatches = [
        page.url_path
        for page in Page.objects.all()
        if page._get_relevant_site_root_paths() != PATCHED.wagtails(page)
    ]
    with monkeypatch.context() as wagtails:
        wagtails.setattr(Page, "_get_relevant_site_root_paths", PATCHED.wagtails)
        wagtails.setattr(Page, "get_url", Page.get_url.wagtails)
        theirs = every_url(hosts)
    return mismatches, {key for key in ours if ours[key] != theirs[key]}


def test_a_site_at_wagtails_root_unicode_slugs_and_another_default_site(region, monkeypatch):
    Site.objects.create(hostname="rootsite.localhost", root_page=Page.get_first_root_node())
    home = Page.objects.get(pk=region["primary"].home_page_id)
    inner = add_published_child(home, StandardPage(title="Музей", slug="музей"))
    add_published_child(inner, StandardPage(title="Зал", slug="зал-славы"))
    Site.objects.update(is_default_site=False)
    Site.objects.create(hostname="muzey.localhost", root_page=inner, is_default_site=True)
    Site.objects.create(hostname="Zeta.localhost", root_page=home, port=8080)
    Site.objects.create(hostname="alpha.localhost", root_page=home)
    cache.clear()
    assert wagtails_and_ours(monkeypatch) == ([], set())


def test_a_translated_home_at_another_depth_keeps_its_site(region, monkeypatch, django_user_model):
    """A translation of a site's root page elsewhere in the tree still serves that site (in
    review: it was taken for the site of the page it was moved under)."""
    editor = django_user_model.objects.create_user("editor-zh", password="x")
    editor.groups.add(region["territorial"].editors_group)
    english_home = publish_english(region, editor)
    english_home.move(Page.objects.get(pk=region["other"].home_page_id), pos="last-child")
    cache.clear()
    assert wagtails_and_ours(monkeypatch) == ([], set())


def test_a_slug_change_still_leaves_a_redirect(region, django_capture_on_commit_callbacks):
    """Wagtail's redirects on a slug change read every site's root paths from the request a
    URL was built for (make demo failed there once: the tests never ran the hooks on commit)."""
    from wagtail.contrib.redirects.models import Redirect

    home = Page.objects.get(pk=region["primary"].home_page_id)
    page = add_published_child(home, StandardPage(title="О нас", slug="o-nas"))
    page = StandardPage.objects.get(pk=page.pk)
    page.slug = "o-nas-novoe"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    redirect = Redirect.objects.get(old_path="/o-nas")
    assert redirect.redirect_page_id == page.pk
    assert redirect.site_id == region["primary"].site_id


def test_the_depths_sites_are_rooted_at_are_kept_not_searched(region):
    """Finding them joins every site's root to its translations; a cold start reads the kept
    depths instead, and a site rooted deeper, or a root moved, adds its depth."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert root_depths() == [2]
    assert len(queries) == 1
    assert "wagtailcore_page" not in queries[0]["sql"]
    home = Page.objects.get(pk=region["primary"].home_page_id)
    inner = add_published_child(home, StandardPage(title="Музей", slug="muzey"))
    assert root_depths() == [2]  # a page made is no site's root
    Site.objects.create(hostname="muzey.localhost", root_page=inner)
    assert root_depths() == [2, 3]
    deeper = add_published_child(inner, StandardPage(title="Зал", slug="zal"))
    Page.objects.get(pk=region["other"].home_page_id).move(deeper, pos="last-child")
    assert root_depths() == [2, 3, 5]


def test_depths_are_found_again_for_sites_made_before_they_were_kept(region):
    SiteRootDepth.objects.all().delete()
    cache.clear()
    assert root_depths() == [2]
    assert list(SiteRootDepth.objects.values_list("depth", flat=True)) == [2]


def test_a_cold_start_finds_a_pages_sites_by_tree_paths(region, client):
    """URL paths have no index: looking the ancestors up by them read every page."""
    for host in (region["primary"].site.hostname, region["regional"].site.hostname):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/", HTTP_HOST=host).status_code == 200
        by_url_path = [query["sql"] for query in queries if '"url_path" IN' in query["sql"]]
        assert by_url_path == []
