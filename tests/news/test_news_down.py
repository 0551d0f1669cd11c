"""News down the tree: a news item the regional committee (or a territorial one) sends «На
сайты организаций» shows, with its source and a link to the original, in «Новости
вышестоящих организаций» on every site below; nothing is copied, and unflagging or
unpublishing takes it away everywhere."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import PageViewRestriction

from news.models import NewsIndexPage, NewsPage
from sites.pagecache import tags
from tests.freshness.test_freshness_panel import editor_of
from tests.home.test_page_types import post_add_form

from .conftest import (
    REGIONAL,
    RYLSK,
    SCHOOL1,
    SCHOOL5,
    ZHELEZNOGORSK,
    get,
    home_section,
    publish_news,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(flow_region):
    return flow_region


QUERY_BUDGET = 16


def sent_down(org, slug, *, down=True, **fields):
    return publish_news(org, slug, show_on_sites_below=down, **fields)


def higher_block(html):
    """The home page's «Новости вышестоящих организаций» section, or "" if there is none."""
    return home_section(html, "home-higher-news-heading")


def titles(block):
    return re.findall(r'class="card__link" href="[^"]+">([^<]+)<', block)


@pytest.fixture
def down(region):
    return {
        "regional": sent_down(region["regional"], "plenum", title="Пленум обкома"),
        "regional_own": sent_down(region["regional"], "own", down=False, title="Только для сайта"),
        "zh": sent_down(region["zh"], "zh-down", title="Совещание председателей ППО"),
    }


def test_a_primary_site_shows_its_territorials_and_the_regional_news(client, down):
    block = higher_block(get(client, SCHOOL5))
    assert block, "the block is on the primary's home page"
    assert "Новости вышестоящих организаций" in block
    assert titles(block) == ["Совещание председателей ППО", "Пленум обкома"]
    # The source and the original's address on the source's own site (it stays canonical).
    assert "Железногорская городская" in block
    assert 'href="http://localhost/novosti/plenum/"' in block
    assert 'href="http://zheleznogorsk.localhost/novosti/zh-down/"' in block


def test_a_territorial_site_shows_the_regional_news_only(client, down):
    assert titles(higher_block(get(client, ZHELEZNOGORSK))) == ["Пленум обкома"]


def test_another_territorials_news_never_reach_its_primaries(client, down):
    assert titles(higher_block(get(client, SCHOOL1))) == ["Пленум обкома"]
    assert titles(higher_block(get(client, RYLSK))) == ["Пленум обкома"]


def test_the_regional_site_has_no_such_block(client, down):
    assert higher_block(get(client, REGIONAL)) == ""


def test_unmarking_or_unpublishing_takes_it_away_everywhere(client, down):
    page = down["regional"]
    page.show_on_sites_below = False
    page.save_revision().publish()
    assert "Пленум обкома" not in get(client, SCHOOL5)
    down["zh"].unpublish()
    assert higher_block(get(client, SCHOOL5)) == ""


def test_a_private_item_is_never_sent_down(client, region, down):
    PageViewRestriction.objects.create(
        page=down["regional"], restriction_type=PageViewRestriction.LOGIN
    )
    assert "Пленум обкома" not in get(client, SCHOOL5)


def test_a_primary_editor_cannot_send_down(client, region):
    """Sites below a primary organization's do not exist: the flag is refused in Russian."""
    client.force_login(editor_of(region["school5"], "school5-editor"))
    index = NewsIndexPage.objects.child_of(region["school5"].site.root_page).get()
    response = post_add_form(
        client,
        NewsPage,
        index,
        title="Вниз",
        slug="vniz",
        lead="Анонс",
        date="2026-10-01",
        show_on_sites_below="on",
    )
    assert response.status_code == 200
    assert "Только региональная и территориальные организации" in response.text
    assert not NewsPage.objects.filter(slug="vniz").exists()


def test_a_territorial_editor_sends_down_from_the_admin(client, region):
    client.force_login(editor_of(region["zh"], "zh-editor"))
    index = NewsIndexPage.objects.child_of(region["zh"].site.root_page).get()
    response = post_add_form(
        client,
        NewsPage,
        index,
        title="Семинар для ППО",
        slug="seminar",
        lead="Анонс",
        date="2026-10-01",
        show_on_sites_below="on",
    )
    assert response.status_code == 302, response.text[-2000:]
    assert "Семинар для ППО" in higher_block(get(client, SCHOOL5))
    assert "Семинар для ППО" not in get(client, SCHOOL1)


def test_the_home_page_is_tagged_with_its_sources_and_a_change_purges_them(client, region, down):
    response = client.get("/", HTTP_HOST=SCHOOL5)
    answer_tags = set(response["xkey"].split()) if response.has_header("xkey") else set()
    expected = {tags.above_tag(region["regional"].site_id), tags.above_tag(region["zh"].site_id)}
    assert expected <= answer_tags, answer_tags
    assert tags.above_tag(region["regional"].site_id) in tags.for_page_change([down["regional"]])


def test_query_budget_does_not_grow_with_the_news_sent_down(client, region):
    get(client, SCHOOL5)
    counts = {}
    for total in (3, 30):
        for n in range(NewsPage.objects.filter(show_on_sites_below=True).count(), total):
            sent_down(region["regional"], f"down-{n}", date=datetime.date(2026, 1, 1))
        get(client, SCHOOL5)
        with CaptureQueriesContext(connection) as queries:
            get(client, SCHOOL5)
        counts[total] = len(queries)
    assert counts[3] == counts[30], counts
    assert counts[30] <= QUERY_BUDGET, counts


def test_the_flag_is_offered_to_editors_in_russian(admin_client, region):
    index = NewsIndexPage.objects.child_of(region["regional"].site.root_page).get()
    response = admin_client.get(
        reverse("wagtailadmin_pages:add", args=["news", "newspage", index.pk])
    )
    assert "На сайты организаций" in response.text
