"""An index on the first 8 characters of a page's tree path: the path of the home page it
is under (home pages sit at depth 2). The region-wide queries match pages by that prefix
(`directory/below.py`, `news/flow.py`): with the index they read the region's pages, without
it every page of the network. On Wagtail's table, which its own migrations do not give such
an index; the expression is written as Django writes `Substr("path", 1, 8)` on each
database, so that their planners match it."""

from django.db import migrations

INDEX = "home_page_home_prefix"
EXPRESSIONS = {
    "postgresql": 'SUBSTRING("path", 1, 8)',
    "sqlite": 'SUBSTR("path", 1, 8)',
}


def create(apps, schema_editor):
    expression = EXPRESSIONS.get(schema_editor.connection.vendor)
    if expression:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {INDEX} ON "wagtailcore_page" (({expression}))'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor in EXPRESSIONS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_remove_wagtail_welcome_page"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
