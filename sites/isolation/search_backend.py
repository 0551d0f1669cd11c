"""The search backend (settings: WAGTAILSEARCH_BACKENDS): Wagtail's database backend, the one
it picks for the database (PostgreSQL full-text search, SQLite FTS5, or the plain fallback),
subclassed to clean the query first of the characters that break a database's query syntax.

SQLite FTS5: the backend wraps every search term in double quotes and does not escape one
inside, so `"` in any search box (the public search, the admin's image, document and page
searches and choosers, the admin API's `?search=`) was an OperationalError, a 500; so was a
query of spaces only. A NUL ends the query string early, the same error; PostgreSQL's driver
refuses NUL outright. No tokenizer keeps a quote or a control character in a word, so they
become spaces on every database, which changes no result: `"отчёт"` searches for отчёт.

Every caller is covered, since `search()` and `autocomplete()` both go through `_search()`.
`SEARCH_CONFIG` (russian) and the other options are passed on unchanged.
"""

import copy
import functools
import re

from wagtail.search.backends import database
from wagtail.search.query import And, Boost, Fuzzy, Not, Or, Phrase, PlainText

from home.search_index import TitleNormsOfTheAddedOnly

UNSAFE_CHARACTERS = re.compile(r'[\x00-\x1f\x7f"]')


def clean_query(query, unsafe=UNSAFE_CHARACTERS):
    """`query` (a string or a search query object) with the `unsafe` characters replaced by
    spaces; "" when nothing searchable is left. Terms left empty are dropped from And/Or."""
    if isinstance(query, str):
        return unsafe.sub(" ", query).strip()
    cleaned = _clean(query, unsafe)
    return "" if cleaned is None else cleaned


def _clean(query, unsafe):
    """A cleaned copy of a search query object (the caller's is not changed); None when it
    is left with no term."""
    if isinstance(query, PlainText | Phrase | Fuzzy):
        text = unsafe.sub(" ", query.query_string)
        if not text.strip():
            return None
        query = copy.copy(query)
        query.query_string = text
        return query
    if isinstance(query, And | Or):
        subqueries = [_clean(subquery, unsafe) for subquery in query.subqueries]
        subqueries = [subquery for subquery in subqueries if subquery is not None]
        if not subqueries:
            return None
        query = copy.copy(query)
        query.subqueries = subqueries
        return query
    if isinstance(query, Not | Boost):
        subquery = _clean(query.subquery, unsafe)
        if subquery is None:
            return None
        query = copy.copy(query)
        query.subquery = subquery
        return query
    return query  # MatchAll and anything without text


class CleanQueryMixin:
    """Cleans the query of search() and autocomplete() (`clean_query`)."""

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        query = clean_query(query)
        return super()._search(query_compiler_class, query, model_or_queryset, **kwargs)


@functools.cache
def with_clean_queries(backend_class):
    """`backend_class` with `CleanQueryMixin`, and its index with `TitleNormsOfTheAddedOnly`
    (home/search_index.py), made once per class. The SQLite backend's module can be imported
    only on SQLite (its model exists only there), hence no subclass written out for each
    database."""
    attributes = {"__module__": __name__, "__qualname__": backend_class.__name__}
    index_class = getattr(backend_class, "index_class", None)
    if index_class is not None and hasattr(index_class, "_refresh_title_norms"):
        attributes["index_class"] = type(
            index_class.__name__,
            (TitleNormsOfTheAddedOnly, index_class),
            {"__module__": __name__, "__qualname__": index_class.__name__},
        )
    return type(backend_class.__name__, (CleanQueryMixin, backend_class), attributes)


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks for in a backend module
    """The backend Wagtail's `database` module chooses for this database, cleaning queries."""
    chosen = database.SearchBackend(params)
    return with_clean_queries(type(chosen))(params)
