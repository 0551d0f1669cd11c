"""The pages of the sites of an organization and those below it in the registry, for the
queries that span a region (its search; its news flow matches the same way, news/flow.py).

Site trees are flat (every home page is a child of the Wagtail root), so the pages of a
region are not one branch of the tree: they are those whose path starts with the path of one
of the region's home pages (a few hundred), found from the registry. A page's home is the
prefix of its path as long as the home's (8 characters: home pages are at depth 2), and an
index on that prefix (home/migrations/0003_page_home_prefix_index.py) serves
`prefix IN (…)`: such a query reads the region's pages, not every page of the network, and
costs the same in a network of 300 sites as of 30,000 (benchmarks/scale.py)."""

from django.db.models import Q
from wagtail.models import Page, Site

from directory.models import Organization
from home.listing import under_home_paths


def home_paths_below(organization, *, own_site, translations):
    """The tree paths of the home pages of the sites of the organizations below
    `organization` (its territorial organizations and their primaries, or a territorial
    one's primaries), and of its own with `own_site`; with `translations`, of those home
    pages' translations too (a site is served in each language from its home page's). Two
    queries, each read through an index: the organizations below are those whose parent is
    the organization or one of its children (an OR across a join to the parent would read
    the whole registry)."""
    parents = [organization.pk]
    parents += Organization.objects.filter(parent=organization).values_list("pk", flat=True)
    below = Q(parent_id__in=parents)
    if own_site:
        below |= Q(pk=organization.pk)
    sites = Site.objects.filter(pk__in=Organization.objects.filter(below).values("site_id"))
    homes = Page.objects.filter(pk__in=sites.values("root_page"))
    if translations:
        homes = Page.objects.filter(translation_key__in=homes.values("translation_key"))
    return list(homes.order_by("path").values_list("path", flat=True))


def pages_under(paths, pages=None):
    """`pages` (all by default) under the pages at `paths` (inclusive): a condition on the
    prefix of their paths, which its index serves (and Wagtail's search accepts)."""
    by_length = {}
    for path in paths:
        by_length.setdefault(len(path), []).append(path)
    return under_home_paths(Page.objects.order_by() if pages is None else pages, by_length)
