"""PostgreSQL: an index on the object id of Wagtail's search index entries. Wagtail's own is
on (content type, object id), and a search joins a page to its entry on the object id with
every page type's content type listed (nine): a probe of nine descents. A region's search
(`home/views.py`) reads its own few thousand pages and looks up their entries one by one;
with this index each lookup is one descent, and the planner prefers it to reading every
matching entry of the network once the network is large (at 3,000 sites a region's search
read 12,000 entries of 27,000; at 30,000, ten times as many)."""

from django.db import migrations

INDEX = "home_indexentry_object_id"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
            "ON wagtailsearch_indexentry (object_id)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    # Built without blocking writes to the search index while it is made (a deploy at size).
    atomic = False

    dependencies = [
        ("home", "0005_page_depth_revision_index"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create, drop)]
