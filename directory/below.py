"""The pages of the sites of an organization and those below it in the registry, as one
subquery on page ids, for the queries that span a region (its news flow, its search).

Site trees are flat (every home page is a child of the Wagtail root), so the pages of a
region are not one branch of the tree: they are found from the registry, the sites of the
organizations below (a few hundred in a region), and then the pages below each site's home
page by a range of the path index (as `home.listing.below_path()`): never by reading every
page of the network. Such a query costs the same in a network of 300 sites as of 30,000
(benchmarks/scale.py). Plain SQL, the same on both databases: Wagtail's search takes a
subquery on the page id among its filters, not a join; the tree's paths are compared byte
by byte on both (PostgreSQL's path column has the "C" collation)."""

from django.db.models.expressions import RawSQL
from wagtail.models import Page, Site

from directory.models import Organization


def pages_below(organization, *, own_site, translations):
    """The ids of the pages of the sites of the organizations below `organization` (its
    territorial organizations and their primaries, or a territorial one's primaries), and of
    its own site's with `own_site`; with `translations`, of their trees in every language.
    `organization` is an id (or a prepared query's slot mark, home/prepared.py)."""
    page, site = Page._meta.db_table, Site._meta.db_table
    registry = Organization._meta.db_table
    homes = (
        f"SELECT root.{'translation_key' if translations else 'id'} FROM {page} root"  # noqa: S608
        f" JOIN {site} site ON site.root_page_id = root.id"
        f" JOIN {registry} org ON org.site_id = site.id"
        f" WHERE {'org.id = %s OR ' if own_site else ''}org.parent_id = %s"
        f" OR org.parent_id IN (SELECT id FROM {registry} WHERE parent_id = %s)"
    )
    # Table names from the models; every value is a parameter.
    sql = (
        f"SELECT below.id FROM {page} home JOIN {page} below"  # noqa: S608
        " ON below.path >= home.path AND below.path <= home.path || %s"
        f" WHERE home.{'translation_key' if translations else 'id'} IN ({homes})"
    )
    # Every descendant's path is its ancestor's and more of treebeard's digits and capitals.
    padding = "Z" * Page._meta.get_field("path").max_length
    return RawSQL(sql, [padding, *[organization] * (3 if own_site else 2)])  # noqa: S611
