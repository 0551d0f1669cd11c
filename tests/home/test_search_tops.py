"""The search entries carry their page's tree top, kept by PostgreSQL's triggers
(home/search_tops.py), and a search of some sites reads only their entries: the tree top must
follow every page wherever the tree moves it, or a search would lose it."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from home.search_tops import tops_condition
from news.models import NewsPage

from .test_search_and_sitemaps import titles
from .test_sites import add_news, get, news_index

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search only"),
]


def tops():
    """{(content type id, object id): tree top} of every search entry."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT content_type_id, object_id, tree_top FROM wagtailsearch_indexentry")
        return {(row[0], row[1]): row[2] for row in cursor.fetchall()}


def assert_every_page_entry_follows_its_path():
    entries = tops()
    pages = Page.objects.values_list("pk", "content_type_id", "path")
    checked = 0
    for pk, content_type_id, path in pages:
        key = (content_type_id, str(pk))
        if key in entries:
            assert entries[key] == path[:8], (pk, path)
            checked += 1
    assert checked > 10


def test_every_page_entry_carries_its_tree_top_and_other_entries_none(region):
    add_news(region["territorial"], 2)
    assert_every_page_entry_follows_its_path()
    image = get_image_model().objects.get()  # add_news's photo, whose id may be a page's
    image_type = ContentType.objects.get_for_model(image).pk
    assert tops()[(image_type, str(image.pk))] is None


def test_a_news_item_moved_to_another_site_is_found_there(client, region):
    add_news(region["territorial"], 1)
    item = NewsPage.objects.get()
    item.move(news_index(region["other"]), pos="last-child")
    assert_every_page_entry_follows_its_path()
    rylsk = "\n".join(titles(get(client, "rylsk.localhost", "/search/", q="Новость")))
    assert "Новость 46-01 № 0" in rylsk
    here = "\n".join(titles(get(client, "zheleznogorsk.localhost", "/search/", q="Новость")))
    assert "46-01" not in here


def test_home_pages_reordered_under_the_root_keep_their_entries(client, region):
    """treebeard shifts the paths of the home pages after the position one moves to: other
    sites' pages get new paths without being saved."""
    add_news(region["primary"], 1)
    add_news(region["other"], 1)
    primary_home = region["primary"].site.root_page
    primary_home.refresh_from_db()
    primary_home.move(Page.objects.get(pk=region["regional"].site.root_page_id), pos="left")
    assert_every_page_entry_follows_its_path()
    found = "\n".join(titles(get(client, "localhost", "/search/", q="Новость", all="1")))
    assert "Новость 46-01-001 № 0" in found and "Новость 46-02 № 0" in found


def test_a_search_of_some_sites_reads_only_their_entries(client, region):
    """The condition is on the entries (what lets their index serve a region): an entry
    filed under another tree top is not found by a search of these sites, though its page
    is under them."""
    add_news(region["territorial"], 2)
    moved = NewsPage.objects.get(title="Новость 46-01 № 1")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE wagtailsearch_indexentry SET tree_top = 'ZZZZZZZZ' WHERE object_id = %s",
            [str(moved.pk)],
        )
    for host, params in [("zheleznogorsk.localhost", {}), ("localhost", {"all": "1"})]:
        found = "\n".join(titles(get(client, host, "/search/", q="Новость", **params)))
        assert "Новость 46-01 № 0" in found, host
        assert "Новость 46-01 № 1" not in found, host


def test_the_search_index_is_over_tree_top_and_text():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'home_indexentry_top_title_body'"
        )
        (definition,) = cursor.fetchone()
    assert "gin (tree_top, ((title || body)))" in definition


def test_a_page_of_results_runs_the_match_once(client, region):
    """The page's rows carry the number of matches (home/search_tops.py paginate_search):
    no second run of the match to count them. Past the last page, the last page."""
    add_news(region["territorial"], 12)
    with CaptureQueriesContext(connection) as queries:
        response = get(client, "zheleznogorsk.localhost", "/search/", q="Анонс", page="2")
    matches = [query for query in queries if "wagtailsearch_indexentry" in query["sql"]]
    assert len(matches) == 1, [query["sql"][:80] for query in matches]
    html = response.content.decode()
    assert "Найдено 12 страниц" in html
    assert len(titles(response)) == 2  # 11 and 12 of 12, ten a page
    past = get(client, "zheleznogorsk.localhost", "/search/", q="Анонс", page="9")
    assert past.status_code == 200 and len(titles(past)) == 2
    assert "Найдено 12 страниц" in past.content.decode()


@pytest.mark.parametrize(
    ("tops", "condition", "params"),
    [
        # A run of consecutive sibling paths is one range, across a carry of the alphabet.
        (
            ["0001000Y", "0001000Z", "00010010", "00010011"],
            "(t BETWEEN %s AND %s)",
            ["0001000Y", "00010011"],
        ),
        # A gap (a site deleted, another region's site between) ends a run; short runs and
        # paths under another parent are listed.
        (
            ["00010002", "00010003", "00010004", "00010006", "00010007", "00020001"],
            "(t BETWEEN %s AND %s OR t = ANY(%s))",
            ["00010002", "00010004", ["00010006", "00010007", "00020001"]],
        ),
        ([], "(t = ANY(%s))", [[]]),
    ],
)
def test_consecutive_tree_tops_are_matched_as_ranges(tops, condition, params):
    assert tops_condition("t", tops) == (condition, params)


def test_a_site_rooted_at_wagtails_root_searches_every_page_under_it(client, region):
    """Its root is above every tree top: its search is not restricted to any."""
    add_news(region["territorial"], 1)
    Site.objects.create(hostname="rootsite.localhost", root_page=Page.get_first_root_node())
    found = "\n".join(titles(get(client, "rootsite.localhost", "/search/", q="Новость")))
    assert "Новость 46-01 № 0" in found
