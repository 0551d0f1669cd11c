"""The top of the tree a page is under, kept on the rows of the pages that listings across
sites select by it: the news and events flagged for the organizations above (news/flow.py).

Every site's home page sits directly under Wagtail's root, so a page's tree top is the first
two steps of its tree path: its home page's path. The regional home lists the flagged news
of its region's few hundred sites; selected by the prefix of the page's path (an expression
on Wagtail's page table), PostgreSQL read the region's pages by the prefix's index and then
hashed every flagged item of the whole network to join them (a scan that grew with the
network). `tree_top IN (…)` on the item's own table, served by a partial index on the
flagged rows, reads the region's flagged items only.

The column follows the path:
- on every save (a new page, a copy, a translation, a publish), from the page's own path;
- on a move (treebeard rewrites the paths of what moved in SQL, not by saving it), for the
  moved page and everything below it, which all share the new top; a move among the home
  pages themselves (under the root) can shift other sites' paths too, and then every row is
  set again from its path (`resync()`).
"""

from django.apps import apps
from django.db import connection, migrations, models
from wagtail.models import Page

TOP_LENGTH = 2 * Page.steplen


def top_of(path):
    """The tree top of the page at tree path `path` ("" for the root or no path)."""
    return path[:TOP_LENGTH] if path and len(path) >= TOP_LENGTH else ""


class TreeTop(models.Model):
    """A page that keeps its tree top in `tree_top` (mixed in before Page)."""

    tree_top = models.CharField(max_length=255, blank=True, default="", editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.tree_top = top_of(self.path)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "path" in update_fields:
            kwargs["update_fields"] = {*update_fields, "tree_top"}
        return super().save(*args, **kwargs)


def models_keeping_tops():
    """The concrete page models with a `tree_top`."""
    return [model for model in apps.get_models() if issubclass(model, TreeTop)]


def resync_sql(table, pk_column, connection=connection):
    """The statement that sets every row of the page model `table` (its primary key
    `pk_column`) from its page's path: portable SQL (a correlated subquery, which PostgreSQL
    and SQLite both run), for the migrations that add the column too."""
    quote = connection.ops.quote_name
    table, pk, pages = quote(table), quote(pk_column), quote(Page._meta.db_table)
    return (
        f"UPDATE {table} SET {quote('tree_top')} = COALESCE(("  # noqa: S608 (names only)
        f"SELECT SUBSTR({pages}.{quote('path')}, 1, {TOP_LENGTH}) FROM {pages}"
        f" WHERE {pages}.{quote('id')} = {table}.{pk}), '')"
    )


def migration(table, pk_column="page_ptr_id"):
    """A migration operation filling the column of `table` for the pages already there."""

    def fill(apps, schema_editor):
        schema_editor.execute(resync_sql(table, pk_column, schema_editor.connection))

    return migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)


def resync():
    """Set every row's tree top again from its path, in every model keeping one."""
    with connection.cursor() as cursor:
        for model in models_keeping_tops():
            cursor.execute(resync_sql(model._meta.db_table, model._meta.pk.column))


def page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    """`post_page_move`: the moved page and its descendants share their new top; a move
    among the root's children may have shifted other home pages' paths (`resync()`)."""
    if min(parent_page_before.depth, parent_page_after.depth) <= 1:
        resync()
        return
    moved = Page.objects.descendant_of(instance, inclusive=True)
    for model in models_keeping_tops():
        model.objects.filter(pk__in=moved.values("pk")).update(tree_top=top_of(instance.path))
