"""PostgreSQL: an index on the depth of Wagtail's pages, then the time of their latest revision
and their path: the explorer's listing of the root (every organization's home page, at depth
2) in its default order, and its count. Without it both read every page of the network
(300,000 at 30,000 sites) to keep the home pages; with it, the first page of the listing
reads 50 entries and the count reads the home pages' entries only."""

from django.db import migrations

INDEX = "home_page_depth_revision"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailcore_page "
            "(depth, latest_revision_created_at DESC NULLS LAST, path varchar_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("home", "0004_search_entry_title_body_index")]

    operations = [migrations.RunPython(create, drop)]
