"""What every listing shares (home/listing.py), against Wagtail's own answers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from home.listing import below
from home.models import StandardPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def deep_tree(region):
    """Under the territorial home page, a branch three levels deep and, beside it, 40 pages:
    past 36 children, treebeard's paths use letters (…000A … 000Z, then …0010)."""
    home = region["territorial"].site.root_page
    branch = home.add_child(instance=StandardPage(title="Ветка", slug="vetka"))
    leaf = branch.add_child(instance=StandardPage(title="Лист", slug="list"))
    leaf.add_child(instance=StandardPage(title="Почка", slug="pochka"))
    for n in range(40):
        branch.add_child(instance=StandardPage(title=f"Страница {n}", slug=f"page-{n}"))
    return Page.objects.get(pk=home.pk)


def test_below_is_wagtails_descendant_of_for_every_page(deep_tree):
    paths = set(Page.objects.values_list("path", flat=True))
    assert any(path[-1].isalpha() for path in paths), "the tree has letters in its paths"
    for page in Page.objects.all():
        for inclusive in (False, True):
            ours = set(Page.objects.filter(below(page, inclusive)).values_list("pk", flat=True))
            wagtails = set(Page.objects.descendant_of(page, inclusive).values_list("pk", flat=True))
            assert ours == wagtails, (page.path, inclusive)


def test_below_is_a_range_an_index_serves(deep_tree):
    with CaptureQueriesContext(connection) as queries:
        list(Page.objects.filter(below(deep_tree)).values_list("pk"))
    (sql,) = [query["sql"] for query in queries.captured_queries]
    assert " LIKE " not in sql
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN "
            + ("QUERY PLAN " if connection.vendor == "sqlite" else "")
            + sql.replace("%", "%%")
        )
        plan = " ".join(str(row) for row in cursor.fetchall())
    if connection.vendor == "sqlite":
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan
