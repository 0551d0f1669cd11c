"""The search index's title norms (home/search_index.py): an indexed page's title is weighed
as Wagtail's database backend weighs it, without a scan of the whole index (every site's
pages) on every publish."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.db.models import Avg
from django.db.models.functions import Length
from django.test.utils import CaptureQueriesContext
from wagtail.search.backends import get_search_backend

from home.models import StandardPage
from home.search_index import TITLE_LENGTH_AVERAGE_KEY
from sites.network.building import add_published_child

pytestmark = pytest.mark.django_db


def publish(parent, title, slug):
    page = add_published_child(parent, StandardPage(title=title, slug=slug))
    page.save_revision().publish()  # indexed as an editor's publish is
    return page


def index_entries():
    """The backend's index entries; none where it keeps no index (SQLite without FTS5)."""
    index = get_search_backend().get_index_for_model(StandardPage)
    if not hasattr(index, "entries"):
        pytest.skip("this database's search backend keeps no index")
    return index.entries


def entry(page):
    """The page's index entry, with its title's length as the database counts it (lexemes of
    a tsvector on PostgreSQL, characters on SQLite)."""
    return (
        index_entries()
        .annotate(title_length=Length("title"))
        .get(content_type=ContentType.objects.get_for_model(StandardPage), object_id=str(page.pk))
    )


def norm(page, average):
    found = entry(page)
    return found.title_norm, average / found.title_length


def test_a_published_pages_title_is_weighed_without_scanning_the_index(region):
    home = region["territorial"].site.root_page
    entries = index_entries()
    cache.delete(TITLE_LENGTH_AVERAGE_KEY)
    first = publish(home, "Первая страница о работе профсоюза", "pervaya")
    average = cache.get(TITLE_LENGTH_AVERAGE_KEY)
    assert average == pytest.approx(
        entries.annotate(length=Length("title"))
        .filter(length__gt=0)
        .aggregate(Avg("length"))["length__avg"]
    )
    assert norm(first, average)[0] == pytest.approx(norm(first, average)[1])

    with CaptureQueriesContext(connection) as queries:
        second = publish(home, "Вторая", "vtoraya")
    statements = " ".join(query["sql"] for query in queries.captured_queries)
    assert "AVG(" not in statements.upper()  # the average is kept
    norms = [query["sql"] for query in queries.captured_queries if "title_norm" in query["sql"]]
    assert norms
    assert all("object_id" in sql for sql in norms if sql.lstrip().upper().startswith("UPDATE"))
    for page in (first, second):
        assert norm(page, average)[0] == pytest.approx(norm(page, average)[1])
