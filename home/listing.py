"""What every public listing of pages shares: leaving out what a visitor may not open, the
items' URLs (from the listing page's own, not looked up per item), and paginating in the
database."""

from urllib.parse import quote

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import BooleanField, CharField, Expression, F, Func, Q
from django.utils.http import RFC3986_SUBDELIMS
from wagtail.models import Page, PageViewRestriction

from home.prepared import Mark, Slot

PER_PAGE = 10
URL_PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what Django's reverse() leaves unquoted in a path


def unrestricted(pages, shown_on=None):
    """`pages` without those an anonymous visitor could not open: the ones under a view
    restriction (Wagtail's PageViewRestriction: a password, a login or groups) on the page
    itself or on an ancestor. For every listing of pages: news, feeds, the news flow, the
    home page's blocks, the site's menu.

    Wagtail's `public()` means the same, but lists the restrictions in a query of its own;
    here they are a subquery of the listing's own query, so a listing costs the same number
    of queries with or without restrictions, however many there are. (The search keeps
    `public()`: a search backend takes plain field filters only.)

    `shown_on`: the page the listing is part of, if it is one. Whoever sees that page has
    passed the restrictions on it and its ancestors (Wagtail checks them before serving it),
    so those do not hide what it lists: a members-only news index shows its news to the
    members. Any other restriction still does. Leave it out for what is not a page view
    (the feed, the cached site chrome, which error pages and the search show too)."""
    return pages.filter(unrestricted_condition(shown_on))


def unrestricted_condition(shown_on=None):
    """The condition `unrestricted()` filters on, as an expression (to annotate pages with)."""
    return _Unrestricted(_passed(shown_on))


def _passed(shown_on):
    """The paths of `shown_on` and its ancestors: the restrictions a visitor of it passed."""
    if shown_on is None:
        return []
    steplen = Page.steplen
    return [shown_on.path[:end] for end in range(steplen, len(shown_on.path) + 1, steplen)]


# The same conditions for a prepared query (home/prepared.py), with slots for the paths: the
# queryset is built with `listing_slots()` (or `below_slots()` alone) and run with the values
# of `listing_values()` (or `below_values()`).


def listing_slots(passed):
    """`below()` and `unrestricted_condition()` with slots for their paths, `passed` of them
    passed: the pages below a page that a visitor of another may open (`listing_values()`)."""
    return below_slots() & Q(_Unrestricted([Mark(f"passed{number}") for number in range(passed)]))


def listing_values(ancestor, shown_on):
    """(how many paths `listing_slots()` passes, the values of its slots) for the pages below
    the page `ancestor` (or the tree path given) that a visitor of `shown_on` may open."""
    passed = _passed(shown_on)
    values = dict(below_values(ancestor))
    values.update((f"passed{number}", path) for number, path in enumerate(passed))
    return len(passed), values


def below_slots():
    """`below()` with slots for the path and its upper bound (`below_values()`)."""
    return Q(path__gt=Slot("below"), path__lte=Slot("below_end"))


def below_values(ancestor):
    """The values of `below_slots()` for the page `ancestor`, or for the tree path given."""
    path = ancestor if isinstance(ancestor, str) else ancestor.path
    return {"below": path, "below_end": _last_below(path)}


class _Unrestricted(Expression):
    """The condition of `unrestricted()`: no restriction on the page or an ancestor (its
    page's path is a prefix of the page's), but those on the `passed` paths, and, for an
    alias, none on its original or the original's ancestors. The subquery is
    written here as SQL, once, with only the page's own path column compiled by Django: built
    as a queryset, Django resolved and compiled a subquery of its own for every listing, which
    cost more than running it."""

    output_field = BooleanField()

    def __init__(self, passed=()):
        super().__init__()
        self.path = F("path")
        self.alias_of = F("alias_of_id")
        self.passed = tuple(passed)

    def get_source_expressions(self):
        return [self.path, self.alias_of]

    def set_source_expressions(self, exprs):
        self.path, self.alias_of = exprs

    def as_sql(self, compiler, connection):
        path, params = compiler.compile(self.path)
        alias_of, alias_params = compiler.compile(self.alias_of)
        quote = connection.ops.quote_name
        restrictions = quote(PageViewRestriction._meta.db_table)
        restricted_page = quote(PageViewRestriction._meta.get_field("page").column)
        pages, page_id = quote(Page._meta.db_table), quote(Page._meta.pk.column)
        restricted_path = f"{quote('unrestricted_page')}.{quote('path')}"
        # Only quoted table and column names in the text; the paths passed are parameters.
        sql = (
            f"NOT EXISTS (SELECT 1 FROM {restrictions} {quote('unrestricted_pvr')}"  # noqa: S608
            f" INNER JOIN {pages} {quote('unrestricted_page')}"
            f" ON {quote('unrestricted_pvr')}.{restricted_page}"
            f" = {quote('unrestricted_page')}.{page_id}"
            f" WHERE SUBSTR({path}, 1, LENGTH({restricted_path})) = {restricted_path}"
        )
        if self.passed:
            sql += f" AND {restricted_path} NOT IN ({', '.join(['%s'] * len(self.passed))})"
        # An alias is restricted as its original is, wherever that is (none passed there).
        original = quote("unrestricted_original")
        sql += (
            f") AND NOT EXISTS (SELECT 1 FROM {restrictions} {quote('unrestricted_pvr')}"  # noqa: S608
            f" INNER JOIN {pages} {quote('unrestricted_page')}"
            f" ON {quote('unrestricted_pvr')}.{restricted_page}"
            f" = {quote('unrestricted_page')}.{page_id}"
            f" INNER JOIN {pages} {original} ON {original}.{page_id} = {alias_of}"
            f" WHERE SUBSTR({original}.{quote('path')}, 1, LENGTH({restricted_path}))"
            f" = {restricted_path}"
        )
        return sql + ")", (*params, *self.passed, *alias_params)


def below(ancestor, inclusive=False):
    """`below_path()` of the page `ancestor`."""
    return below_path(ancestor.path, inclusive)


def below_path(path, inclusive=False, field="path"):
    """The condition of Wagtail's `descendant_of()` of the page at tree path `path`, as a
    range of paths, which the path index serves: Wagtail's `path LIKE 'prefix%'` is a scan
    of every page of every site on SQLite (its LIKE ignores case, so no index serves it);
    on PostgreSQL Wagtail gives the column the "C" collation, where both are served. A path
    is its ancestors' followed by digits and capital letters (treebeard's alphabet), so in
    that byte order every descendant's lies between the ancestor's and the ancestor's padded
    with "Z", the last of them, to the column's length, and any other page's outside."""
    upper = _last_below(path)
    return Q(**{f"{field}__gte" if inclusive else f"{field}__gt": path, f"{field}__lte": upper})


def _last_below(path):
    """The greatest tree path a descendant of the page at `path` can have (`below_path()`)."""
    return path + "Z" * (Page._meta.get_field("path").max_length - len(path))


def with_urls_below(pages, ancestor, ancestor_url):
    """`pages`, all below `ancestor`, as a list, each with its `listing_url`: the URL
    `{% pageurl %}` gives it, made of the ancestor's URL (`ancestor_url`) and the rest of its
    path, since Wagtail's URLs follow the tree. `{% pageurl %}` would look the page's site up
    among every site's root path and reverse a URL again for each item of a listing."""
    pages = list(pages)
    if ancestor_url is None:  # not routable (a preview of a new page): {% pageurl %} it is
        return pages
    start = len(ancestor.url_path)
    for page in pages:
        rest = quote(page.url_path[start:], safe=URL_PATH_SAFE)
        page.listing_url = ancestor_url + rest
    return pages


def parent_url(url):
    """The URL of the parent of the page at `url`: Wagtail's URLs follow the tree, a page's
    is its parent's and its slug, so the parent costs no query."""
    return url[: url.rstrip("/").rfind("/") + 1]


def paginate(items, request, per_page=PER_PAGE, count=None):
    """The requested page of `items` (the last one past the end, the first on nonsense).
    `count`: how many `items` there are, when the caller knows it (else a query counts)."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count
    try:
        page_obj = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page_obj = paginator.page(1)
    except EmptyPage:
        page_obj = paginator.page(paginator.num_pages)
    return pagination(page_obj)


def pagination(page_obj):
    """What a listing's template takes of the page of items `page_obj`."""
    paginator = page_obj.paginator
    return {
        "page_obj": page_obj,
        "paginator": paginator,
        "page_range": paginator.get_elided_page_range(page_obj.number, on_each_side=2),
    }


class PathPrefix(Func):
    """The first `length` characters of a tree path (`PathPrefix("path", 8)`: the path of the
    home page a page is under), with the length written into the SQL rather than passed as
    a parameter, exactly as the index on it is written (home/migrations/0003): SQLite serves
    an expression from an index only if the SQL is the same, and a parameter is not."""

    output_field = CharField()

    def __init__(self, expression, length):
        super().__init__(expression)
        self.length = int(length)

    # Wagtail's search backends accept a filter on a field the model declares a FilterField
    # only, which they find as the filter's column (`lhs.alias`, `lhs.target`): a filter on a
    # path's prefix is one on the path (Page declares it), so a search can be kept to a
    # region's pages by the prefix's index (home/views.py) rather than by a subquery of ids.
    @property
    def alias(self):
        return self.get_source_expressions()[0].alias

    @property
    def target(self):
        return self.get_source_expressions()[0].target

    def as_sql(self, compiler, connection, **extra):
        function = "SUBSTR" if connection.vendor == "sqlite" else "SUBSTRING"
        template = f"{function}(%(expressions)s, 1, {self.length})"
        return super().as_sql(compiler, connection, template=template, **extra)


def under_home_paths(pages, paths_by_length):
    """`pages` under the pages whose tree paths are given by length ({length: [paths, or a
    prepared query's slots]}): one `prefix IN (…)` for each length (one with flat trees),
    which the index on the prefix serves (`PathPrefix`). None given: none of `pages`."""
    if not paths_by_length:
        return pages.none()
    condition = Q()
    for length, paths in sorted(paths_by_length.items()):
        alias = f"home_path_{length}"
        pages = pages.alias(**{alias: PathPrefix("path", length)})
        condition |= Q(**{f"{alias}__in": paths})
    return pages.filter(condition)
