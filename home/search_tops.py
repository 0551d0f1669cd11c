"""Searching the pages of some sites in the search index entries of those sites only.

A region's search (home/views.py) matches the pages under its few hundred home pages. Wagtail's
PostgreSQL backend joins each page to its search entry and matches `title || body` against
the query: PostgreSQL either matched every page of the region one by one (~11,000 entries,
~90 ms) or took the GIN index on `title || body` and read the whole network's matches (grows
with the network). Neither stays flat from 300 sites to 30,000.

Here the entries carry the tree top of their page (the path of the home page it is under,
`home/tree_top.py`), kept by PostgreSQL itself:
- a trigger on the entries sets it from the page when Wagtail writes an entry (its content
  type and object id name the page: Wagtail indexes a page as its specific type, the page's
  own `content_type_id`); other objects' entries (images, documents) get none;
- a trigger on Wagtail's page table sets it again when a page's tree top changes (a move, or
  treebeard shifting the home pages' paths under the root), whatever wrote the path;
and one GIN index over (tree top, `title || body`) (`btree_gin`) finds the matches of the
region's tree tops and nothing else. `search_under()` adds `tree_top = ANY(…)` to the entries
the search joins; the pages are still filtered as before, so the condition never changes a
result, it only lets the index serve the search.

SQLite (development, tests) keeps its FTS5 search: the condition is PostgreSQL's only.
"""

import copy
import functools

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Window
from django.db.models.sql.where import AND, ExtraWhere
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from home.listing import paginate, pagination
from home.tree_top import TOP_LENGTH, top_of

COLUMN = "tree_top"
INDEX = "home_indexentry_top_title_body"
ENTRY_TRIGGER = "home_indexentry_tree_top"
PAGE_TRIGGER = "home_page_entries_tree_top"
TOTAL = "_search_total"  # the number of matches, on each row of a page of results

CREATE_SQL = [
    # Trusted since PostgreSQL 13: a database owner may create it without being a superuser.
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    f"ALTER TABLE wagtailsearch_indexentry ADD COLUMN IF NOT EXISTS {COLUMN} text",
    f"""
    CREATE OR REPLACE FUNCTION {ENTRY_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.{COLUMN} := NULL;
        IF NEW.object_id ~ '^[0-9]{{1,18}}$' THEN
            SELECT substr(path, 1, {TOP_LENGTH}) INTO NEW.{COLUMN} FROM wagtailcore_page
            WHERE id = NEW.object_id::bigint AND content_type_id = NEW.content_type_id;
        END IF;
        RETURN NEW;
    END $$
    """,  # noqa: S608 (constant names only)
    f"DROP TRIGGER IF EXISTS {ENTRY_TRIGGER} ON wagtailsearch_indexentry",
    f"""
    CREATE TRIGGER {ENTRY_TRIGGER}
    BEFORE INSERT OR UPDATE OF object_id, content_type_id ON wagtailsearch_indexentry
    FOR EACH ROW EXECUTE FUNCTION {ENTRY_TRIGGER}()
    """,
    f"""
    CREATE OR REPLACE FUNCTION {PAGE_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE wagtailsearch_indexentry SET {COLUMN} = substr(NEW.path, 1, {TOP_LENGTH})
        WHERE content_type_id = NEW.content_type_id AND object_id = NEW.id::text
          AND {COLUMN} IS DISTINCT FROM substr(NEW.path, 1, {TOP_LENGTH});
        RETURN NULL;
    END $$
    """,  # noqa: S608 (constant names only)
    f"DROP TRIGGER IF EXISTS {PAGE_TRIGGER} ON wagtailcore_page",
    f"""
    CREATE TRIGGER {PAGE_TRIGGER}
    AFTER UPDATE OF path, content_type_id ON wagtailcore_page FOR EACH ROW
    WHEN (substr(OLD.path, 1, {TOP_LENGTH}) IS DISTINCT FROM substr(NEW.path, 1, {TOP_LENGTH})
          OR OLD.content_type_id IS DISTINCT FROM NEW.content_type_id)
    EXECUTE FUNCTION {PAGE_TRIGGER}()
    """,
    # The entries already there (one pass; the triggers keep them from here on).
    f"""
    UPDATE wagtailsearch_indexentry AS entry SET {COLUMN} = substr(page.path, 1, {TOP_LENGTH})
    FROM wagtailcore_page AS page
    WHERE entry.object_id = page.id::text AND entry.content_type_id = page.content_type_id
    """,  # noqa: S608 (constant names only)
]
INDEX_SQL = (
    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry "
    f"USING gin ({COLUMN}, (title || body)) WITH (fastupdate = off)"
)
DROP_SQL = [
    f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}",
    f"DROP TRIGGER IF EXISTS {PAGE_TRIGGER} ON wagtailcore_page",
    f"DROP FUNCTION IF EXISTS {PAGE_TRIGGER}()",
    f"DROP TRIGGER IF EXISTS {ENTRY_TRIGGER} ON wagtailsearch_indexentry",
    f"DROP FUNCTION IF EXISTS {ENTRY_TRIGGER}()",
    f"ALTER TABLE wagtailsearch_indexentry DROP COLUMN IF EXISTS {COLUMN}",
]


# A run of at least this many consecutive tree tops is matched as a range.
MIN_RUN = 3


def tops_condition(column, tops):
    """SQL (and its parameters) for `column` being one of `tops`: the runs of consecutive
    sibling paths (a region whose sites were made together) as ranges, each one scan of the
    index, and the rest as a list, whose every value is a scan of its own (at 3,000 sites a
    region's 354 tree tops: 15 ms as a list, 3 ms as one range). Consecutive means the next
    path in treebeard's alphabet, so a range holds the run's own tree tops and no other: tree
    paths are of one length at one depth, digits before capitals, in any collation."""
    runs = []
    for top in sorted(tops):
        if runs and _is_next(runs[-1][-1], top):
            runs[-1].append(top)
        else:
            runs.append([top])
    ranges = [run for run in runs if len(run) >= MIN_RUN]
    singles = [top for run in runs if len(run) < MIN_RUN for top in run]
    conditions = [f"{column} BETWEEN %s AND %s" for _run in ranges]
    params = [value for run in ranges for value in (run[0], run[-1])]
    if singles or not ranges:
        conditions.append(f"{column} = ANY(%s)")
        params.append(singles)
    return "(" + " OR ".join(conditions) + ")", params


def _is_next(path, other):
    """Whether tree path `other` is the sibling right after `path` (treebeard's numbering)."""
    step = Page.steplen
    if len(path) != len(other) or path[:-step] != other[:-step]:
        return False
    numbers = Page.numconv_obj()
    try:
        return numbers.str2int(other[-step:]) == numbers.str2int(path[-step:]) + 1
    except ValueError:  # not a tree path
        return False


def search_under(home_paths, query, pages, **kwargs):
    """`pages.search(query, **kwargs)` for pages that are all under the home pages at
    `home_paths`: on PostgreSQL the search reads only those sites' entries."""
    backend = get_search_backend()
    compiler = backend.query_compiler_class
    # A site rooted at Wagtail's root (above every tree top) has pages under every top.
    rooted_at_tops = all(len(path) >= TOP_LENGTH for path in home_paths)
    if (
        connection.vendor == "postgresql"
        and rooted_at_tops
        and hasattr(compiler, "_apply_ordering_and_scoring")
    ):
        backend = copy.copy(backend)  # the shared instance keeps its own compiler
        tops = sorted({top_of(path) for path in home_paths})
        backend.query_compiler_class = functools.partial(_entries_under(compiler), tops=tops)
    return backend.search(query, pages, **kwargs)


@functools.cache
def _entries_under(compiler_class):
    """`compiler_class` restricting the search entries it joins to the tree tops `tops`, and
    counting every match on each row of a page of results (`TOTAL`)."""

    class EntriesUnder(compiler_class):
        def __init__(self, *args, tops, **kwargs):
            super().__init__(*args, **kwargs)
            self.tops = tops

        def _apply_ordering_and_scoring(self, queryset, rank, start, stop, *args, **kwargs):
            # Called with the matching pages joined to their entries, before the ranking.
            queryset = queryset.all()  # a copy, its own query to add to
            quote = connection.ops.quote_name
            for alias, join in list(queryset.query.alias_map.items()):
                if join.table_name == IndexEntry._meta.db_table:
                    condition, params = tops_condition(f"{quote(alias)}.{quote(COLUMN)}", self.tops)
                    queryset.query.where.add(ExtraWhere([condition], params), AND)
            if stop is not None:  # a page of results: the count comes with it
                queryset = queryset.annotate(**{TOTAL: Window(Count("pk"))})
            return super()._apply_ordering_and_scoring(queryset, rank, start, stop, *args, **kwargs)

    EntriesUnder.__qualname__ = f"EntriesUnder[{compiler_class.__name__}]"
    return EntriesUnder


def paginate_search(results, request, per_page):
    """`home.listing.paginate()` for search results: on PostgreSQL (`search_under()`) the
    page's rows carry the number of matches, so the match runs once, not once to count and
    again for the page. Elsewhere, or past the last page, the paginator counts."""
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except (TypeError, ValueError):
        number = 1
    rows = list(results[(number - 1) * per_page : number * per_page])
    total = getattr(rows[0], TOTAL, None) if rows else None
    if total is None:
        return paginate(results, request, per_page)
    paginator = Paginator(results, per_page)
    paginator.count = total
    return pagination(PaginatorPage(rows, number, paginator))
