"""PostgreSQL: the search entries carry their page's tree top, kept by triggers, and one GIN
index over (tree top, `title || body`) replaces 0004's on `title || body` alone (a search
without a tree top uses the second column of this one): home/search_tops.py says why."""

from django.db import migrations

from home import search_tops

OLD_INDEX = "home_indexentry_title_body"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in search_tops.CREATE_SQL:
            schema_editor.execute(statement)
        schema_editor.execute(search_tops.INDEX_SQL)
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {OLD_INDEX}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {OLD_INDEX} ON wagtailsearch_indexentry "
            "USING gin ((title || body))"
        )
        for statement in search_tops.DROP_SQL:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    # The index is built without blocking writes to the search index (a deploy at size).
    atomic = False

    dependencies = [
        ("home", "0008_alter_standardpage_body"),
    ]

    operations = [migrations.RunPython(create, drop)]
