"""RSS feeds per site and per tag, read with feedparser as a feed reader
would: valid (no bozo flag), absolute links on the site's own hostname, linked from every
page with rel="alternate"."""

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from news.models import NewsPage

from ..home.test_sites import add_news, get, news_index

pytestmark = pytest.mark.django_db


def read(client, host, **params):
    response = get(client, host, "/feed/", **params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def test_a_sites_feed_lists_its_own_news_newest_first_with_absolute_links(client, region):
    add_news(region["territorial"], 3)
    add_news(region["other"], 2)
    feed = read(client, "zheleznogorsk.localhost")
    assert feed.version == "rss20"
    assert feed.feed.title == "Новости — Железногорская городская организация"
    assert feed.feed.link == "http://zheleznogorsk.localhost/novosti/"
    titles = [entry.title for entry in feed.entries]
    assert titles == ["Новость 46-01 № 0", "Новость 46-01 № 1", "Новость 46-01 № 2"]
    first = feed.entries[0]
    assert first.link == "http://zheleznogorsk.localhost/novosti/news-0/"
    assert first.summary == "Анонс новости 0"
    assert first.published_parsed[:3] == (2026, 11, 1)
    assert {tag.term for tag in first.tags} == {"конкурсы"}

    other = read(client, "rylsk.localhost")
    assert [entry.link for entry in other.entries] == [
        "http://rylsk.localhost/novosti/news-0/",
        "http://rylsk.localhost/novosti/news-1/",
    ]


def test_a_tag_feed_has_only_that_tags_news(client, region):
    add_news(region["territorial"], 4)
    feed = read(client, "zheleznogorsk.localhost", tag="охрана труда")
    assert [entry.title for entry in feed.entries] == ["Новость 46-01 № 1", "Новость 46-01 № 3"]
    assert feed.feed.title.endswith("· охрана труда")


def test_drafts_are_not_in_the_feed(client, region):
    add_news(region["territorial"], 1)
    draft = NewsPage(title="Черновик новости", slug="draft", lead="Ещё не готово", live=False)
    news_index(region["territorial"]).add_child(instance=draft)
    titles = [entry.title for entry in read(client, "zheleznogorsk.localhost").entries]
    assert titles == ["Новость 46-01 № 0"]


def test_every_page_links_the_feed_and_a_tag_page_its_tag_feed(client, region):
    add_news(region["territorial"], 2)
    for path in ("/", "/novosti/", "/novosti/news-0/"):
        html = get(client, "zheleznogorsk.localhost", path).content.decode()
        assert '<link rel="alternate" type="application/rss+xml"' in html, path
        assert 'href="/feed/"' in html, path
    tagged = get(client, "zheleznogorsk.localhost", "/novosti/", tag="конкурсы").content.decode()
    assert 'href="/feed/?tag=%D0%BA%D0%BE%D0%BD%D0%BA%D1%83%D1%80%D1%81%D1%8B"' in tagged


def test_the_feed_costs_the_same_queries_at_5_and_50_news(client, region):
    counts = {}
    for total in (5, 50):
        have = NewsPage.objects.descendant_of(region["territorial"].site.root_page).count()
        add_news(region["territorial"], total - have, offset=have)
        get(client, "zheleznogorsk.localhost", "/feed/")
        with CaptureQueriesContext(connection) as queries:
            get(client, "zheleznogorsk.localhost", "/feed/")
        counts[total] = len(queries)
    assert counts[5] == counts[50] <= 10, counts
