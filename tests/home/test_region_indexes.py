"""The indexes the region-wide queries stand on: the prefix of a page's path that names its
home page (both databases), and the search entries' `title || body` (PostgreSQL). Without
them a region's flow and search read every page and every search entry of the network."""

import pytest
from django.db import connection

from directory.below import home_paths_below, pages_under
from news.models import NewsPage

pytestmark = pytest.mark.django_db


def indexes(table):
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)


def test_the_home_prefix_and_search_indexes_exist():
    assert "home_page_home_prefix" in indexes("wagtailcore_page")
    if connection.vendor == "postgresql":
        assert "home_indexentry_top_title_body" in indexes("wagtailsearch_indexentry")
        assert "home_indexentry_object_id" in indexes("wagtailsearch_indexentry")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan is deterministic")
def test_a_regions_pages_are_read_through_the_prefix_index(region):
    homes = home_paths_below(region["regional"], own_site=True, translations=True)
    news = pages_under(homes, NewsPage.objects.all())
    sql, params = news.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "home_page_home_prefix" in plan, plan


def test_home_paths_below_follow_the_registry(region):
    def paths(organization, own_site):
        return set(home_paths_below(organization, own_site=own_site, translations=False))

    roots = {key: region[key].site.root_page.path for key in region}
    assert paths(region["regional"], False) == {
        roots["territorial"],
        roots["primary"],
        roots["other"],
    }
    assert paths(region["regional"], True) == set(roots.values())
    assert paths(region["territorial"], False) == {roots["primary"]}
    assert paths(region["primary"], False) == set()
    assert list(pages_under([], NewsPage.objects.all())) == []
