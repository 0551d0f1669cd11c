"""The regional news flow: a news item flagged for the parent organization shows, with its
source and a link to the original, on the territorial site above it and on the regional site;
nothing is copied, and unflagging or unpublishing takes it away everywhere."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from news.models import NewsIndexPage, NewsPage
from sites.network.building import add_published_child
from sites.onboarding.services import onboard

from .. import factories
from .conftest import (
    REGIONAL,
    RYLSK,
    SCHOOL5,
    ZHELEZNOGORSK,
    get,
    home_section,
    organization,
    publish_news,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(flow_region):
    return flow_region


QUERY_BUDGET = 15
BLOCK_ID = "home-organizations-news-heading"
BLOCK_START = f'id="{BLOCK_ID}"'


def post(org, slug, *, flagged=True, **fields):
    return publish_news(org, slug, show_in_parent_feed=flagged, **fields)


def organizations_block(html):
    """The home page's «Новости организаций» section, or "" if there is none."""
    return home_section(html, BLOCK_ID)


def card_links(html):
    return re.findall(r'class="card__link" href="([^"]+)">([^<]+)<', html)


@pytest.fixture
def flow(region):
    return {
        "school5": post(region["school5"], "subbotnik", title="Субботник в школе № 5"),
        "school5_own": post(region["school5"], "vnutrennee", flagged=False, title="Внутреннее"),
        "school1": post(region["school1"], "rylsk-news", title="Конкурс в Рыльске"),
        "zh": post(region["zh"], "zh-news", title="Пленум в Железногорске"),
    }


class TestTerritorialSite:
    def test_home_shows_its_primaries_flagged_news_with_source_and_original_link(
        self, client, flow
    ):
        block = organizations_block(get(client, ZHELEZNOGORSK))
        assert block.startswith(BLOCK_START + ">Новости организаций</h2>")
        assert card_links(block) == [
            ("http://school5-zh.localhost/novosti/subbotnik/", "Субботник в школе № 5")
        ]
        assert "ППО СОШ № 5" in block, "the source organization is named"
        assert 'href="/novosti/organizatsiy/"' in block, "the block links the full list"

    def test_unflagged_news_and_another_territorials_primary_never_show(self, client, flow):
        html = get(client, ZHELEZNOGORSK)
        assert "Внутреннее" not in html
        assert "Конкурс в Рыльске" not in html
        assert "Пленум в Железногорске" not in organizations_block(html), "its own news"
        other = organizations_block(get(client, RYLSK))
        assert [title for _url, title in card_links(other)] == ["Конкурс в Рыльске"]

    def test_the_full_list_is_paginated_newest_first(self, client, region):
        for n in range(12):
            post(region["school5"], f"n{n}", date=datetime.date(2026, 1, 1 + n))
        first = get(client, ZHELEZNOGORSK, "/novosti/organizatsiy/")
        assert first.count("<h1") == 1 and "<h1>Новости организаций</h1>" in first
        titles = [title for _url, title in card_links(first)]
        assert titles == [f"Новость n{n}" for n in range(11, 1, -1)]
        assert all(
            url.startswith("http://school5-zh.localhost/novosti/n") for url, _ in card_links(first)
        )
        second = get(client, ZHELEZNOGORSK, "/novosti/organizatsiy/", page="2")
        assert [title for _url, title in card_links(second)] == ["Новость n1", "Новость n0"]

    def test_the_news_index_links_the_organizations_news(self, client, flow):
        assert 'href="/novosti/organizatsiy/"' in get(client, ZHELEZNOGORSK, "/novosti/")


class TestRegionalSite:
    def test_home_shows_the_latest_from_all_organizations(self, client, flow):
        block = organizations_block(get(client, REGIONAL))
        assert sorted(card_links(block)) == [
            ("http://school1-ry.localhost/novosti/rylsk-news/", "Конкурс в Рыльске"),
            ("http://school5-zh.localhost/novosti/subbotnik/", "Субботник в школе № 5"),
            ("http://zheleznogorsk.localhost/novosti/zh-news/", "Пленум в Железногорске"),
        ]
        for source in ("ППО СОШ № 5", "ППО СОШ № 1 Рыльск", "Железногорская городская"):
            assert source in block, source
        assert "Внутреннее" not in block

    def test_the_home_block_shows_the_latest_four(self, client, region):
        for n in range(6):
            post(region["school1"], f"n{n}", date=datetime.date(2026, 5, 1 + n))
        titles = [title for _url, title in card_links(organizations_block(get(client, REGIONAL)))]
        assert titles == ["Новость n5", "Новость n4", "Новость n3", "Новость n2"]

    def test_the_original_keeps_its_canonical_address(self, client, flow):
        html = get(client, SCHOOL5, "/novosti/subbotnik/")
        assert (
            '<link rel="canonical" href="http://school5-zh.localhost/novosti/subbotnik/">' in html
        )


class TestWhatLeavesTheFlow:
    def test_unflagging_removes_it_everywhere(self, client, flow):
        page = flow["school5"]
        page.show_in_parent_feed = False
        page.save_revision().publish()
        for host in (REGIONAL, ZHELEZNOGORSK):
            assert "Субботник в школе № 5" not in get(client, host), host
            assert "Субботник в школе № 5" not in get(client, host, "/novosti/organizatsiy/")

    def test_unpublishing_removes_it_everywhere(self, client, flow):
        get(client, REGIONAL)  # the site chrome is cached now; the feed must not be
        flow["school5"].unpublish()
        for host in (REGIONAL, ZHELEZNOGORSK):
            assert "Субботник в школе № 5" not in get(client, host), host

    def test_a_private_item_stays_on_its_own_site(self, client, flow):
        PageViewRestriction.objects.create(
            page=flow["school5"], restriction_type=PageViewRestriction.LOGIN
        )
        # A restriction on an ancestor (here the Rylsk school's news index) counts too.
        PageViewRestriction.objects.create(
            page=flow["school1"].get_parent(), restriction_type=PageViewRestriction.LOGIN
        )
        for host in (REGIONAL, ZHELEZNOGORSK):
            html = get(client, host)
            assert "Субботник в школе № 5" not in html, host
            assert "Конкурс в Рыльске" not in html, host
        assert "Пленум в Железногорске" in organizations_block(get(client, REGIONAL))

    def test_the_registry_decides_whose_news_a_territorial_site_shows(self, client, region, flow):
        school5 = region["school5"]
        school5.parent = region["ry"]
        school5.save()
        assert "Субботник в школе № 5" not in get(client, ZHELEZNOGORSK)
        assert "Субботник в школе № 5" in organizations_block(get(client, RYLSK))

    def test_an_offboarded_organizations_news_leave_with_its_site(self, client, region, flow):
        from sites.onboarding.services import offboard

        offboard(region["school5"])
        assert "Субботник в школе № 5" not in get(client, ZHELEZNOGORSK)


class TestPrimarySite:
    def test_has_no_organizations_news(self, client, flow):
        assert BLOCK_START not in get(client, SCHOOL5)
        assert "organizatsiy" not in get(client, SCHOOL5, "/novosti/")
        response = client.get("/novosti/organizatsiy/", HTTP_HOST=SCHOOL5)
        assert response.status_code == 404

    def test_a_territorial_site_without_news_below_shows_no_block(self, client, region):
        html = get(client, ZHELEZNOGORSK)
        assert BLOCK_START not in html
        empty = get(client, ZHELEZNOGORSK, "/novosti/organizatsiy/")
        assert "Организации пока не поделились новостями." in empty


@pytest.mark.parametrize(
    ("host", "path"),
    [(REGIONAL, "/"), (ZHELEZNOGORSK, "/"), (REGIONAL, "/novosti/organizatsiy/")],
)
def test_query_budget_does_not_grow_with_the_flow(client, region, host, path):
    """Pages with «Новости организаций», at 5 and at 50 flagged items spread over the
    organizations (with images and tags): a warm request costs the same."""
    sources = [region["school5"], region["zh"], region["school1"], region["ry"]]
    images = {org.pk: factories.ImageFactory(title=f"Фото {org.code}") for org in sources}
    counts = {}
    for total in (5, 50):
        have = NewsPage.objects.filter(show_in_parent_feed=True).count()
        for n in range(have, total):
            org = sources[n % len(sources)]
            page = NewsPage(
                slug=f"news-{n}",
                title=f"Новость {n}",
                lead="Анонс",
                date=datetime.date(2026, 10, 1) - datetime.timedelta(days=n),
                main_image=images[org.pk],
                show_in_parent_feed=True,
            )
            page.tags.add("конкурсы")
            add_published_child(NewsIndexPage.objects.child_of(org.site.root_page).get(), page)
        get(client, host, path)  # warm: renditions are made on first view
        with CaptureQueriesContext(connection) as queries:
            html = get(client, host, path)
        assert "Новость 0<" in html
        counts[total] = len(queries)
    assert counts[5] == counts[50], counts
    assert counts[50] <= QUERY_BUDGET, counts


def test_another_regions_news_never_flow_into_this_one(client, region, flow):
    """The union's regions share an install: Orel's flagged news reach Orel's regional site
    and never Kursk's, and the other way round."""
    orel = factories.org("regional", "57", "Орловская областная", "orel")
    onboard(orel)
    orel.refresh_from_db()
    city = organization("territorial", "57-01", "Орловская городская", "orel-city", orel)
    school = organization("primary", "57-01-001", "ППО лицея № 1", "orel-school", city)
    post(school, "orel-news", title="Новость из Орла")
    kursk = get(client, REGIONAL) + get(client, REGIONAL, "/novosti/organizatsiy/")
    assert "Новость из Орла" not in kursk
    assert "Субботник в школе № 5" in kursk
    orel_home = organizations_block(get(client, "orel.localhost"))
    assert [title for _url, title in card_links(orel_home)] == ["Новость из Орла"]
    orel_list = get(client, "orel.localhost", "/novosti/organizatsiy/")
    assert "Новость из Орла" in orel_list and "Субботник" not in orel_list


class TestTreeTop:
    """The flow selects news by the tree top kept on their rows (home/tree_top.py): it must
    follow the news wherever the tree moves them."""

    def test_a_news_item_moved_to_another_site_flows_from_there(self, client, region, flow):
        rylsk_index = NewsIndexPage.objects.child_of(region["school1"].site.root_page).get()
        flow["school5"].move(rylsk_index, pos="last-child")
        rylsk = organizations_block(get(client, RYLSK))
        assert "Субботник в школе № 5" in rylsk
        assert "Субботник в школе № 5" not in organizations_block(get(client, ZHELEZNOGORSK))

    def test_a_news_index_moved_with_its_news_takes_them_along(self, client, region, flow):
        index = NewsIndexPage.objects.child_of(region["school5"].site.root_page).get()
        index.slug = "arkhiv-shkoly-5"  # its site's news index is «novosti» too
        index.save()
        index.move(region["school1"].site.root_page, pos="last-child")
        assert "Субботник в школе № 5" in organizations_block(get(client, RYLSK))

    def test_home_pages_reordered_under_the_root_keep_their_news(self, client, region, flow):
        """treebeard shifts the paths of the siblings after the position a page moves to:
        other sites' news get new paths without being moved themselves."""
        school5_home = region["school5"].site.root_page
        region["zh"].site.root_page.refresh_from_db()
        school5_home.refresh_from_db()
        school5_home.move(region["regional"].site.root_page, pos="left")
        for item in NewsPage.objects.all():
            assert item.tree_top == item.path[:8], item.title
        assert "Субботник в школе № 5" in organizations_block(get(client, ZHELEZNOGORSK))
        regional = get(client, REGIONAL, "/novosti/organizatsiy/")
        assert "Субботник в школе № 5" in regional and "Конкурс в Рыльске" in regional

    def test_resync_restores_tops_written_past_the_model(self, client, region, flow):
        from home.tree_top import resync

        NewsPage.objects.update(tree_top="")
        assert "Субботник" not in organizations_block(get(client, ZHELEZNOGORSK))
        resync()
        assert "Субботник в школе № 5" in organizations_block(get(client, ZHELEZNOGORSK))
