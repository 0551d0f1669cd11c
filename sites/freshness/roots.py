"""Pages grouped by the site root they are under: the pages of a site are those whose
`Page.path` starts with the path of its root page, so a page's root is the prefix of its path
as long as the root's. The figures of the reports and the panel aggregate over that prefix."""

from wagtail.models import Page

from home.listing import PathPrefix

# Up to this many site roots (or editors' groups), a query lists them in SQL; past it, it reads
# every site's rows and the caller skips those it did not ask for: PostgreSQL misjudges a long
# IN list or a semi-join on a computed prefix, and takes seconds on 2,000 sites.
ROOT_LIST_LIMIT = 500


def pages_by_root(model, roots, length):
    """`model` pages under the site roots `roots` (paths; those of length `length` count),
    each annotated with its root's path as `root`. Unordered: treebeard orders pages by path,
    which would otherwise end up in the GROUP BY of the aggregates."""
    pages = (
        model.objects.order_by()
        .filter(depth__gte=length // Page.steplen)
        .annotate(root=PathPrefix("path", length))
    )
    roots = [root for root in roots if len(root) == length]
    if len(roots) <= ROOT_LIST_LIMIT:
        pages = pages.filter(root__in=roots)
    return pages
