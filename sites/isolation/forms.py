"""Form submissions hold members' personal data: only the form's own organization's editors,
and the network admins, see them (Wagtail lets anyone who may edit the page, which would
include the territorial organization's editors on their primaries' sites)."""

from wagtail.models import Page

from home.listing import PathPrefix
from sites.network.roles import is_network_admin_once as is_network_admin
from sites.network.roles import own_organizations


def own_submissions_only(user, editable_forms):
    """The `filter_form_submissions_for_user` hook: the form pages on the sites of the
    organizations whose editors' group `user` is in (all of them for network admins)."""
    if is_network_admin(user):
        return editable_forms
    # Every site's home page is a child of the root (flat trees): a page's home is the prefix
    # of its path of that length (one subquery, served by the prefix's index).
    homes = own_organizations(user).filter(home_page__isnull=False)
    length = 2 * Page.steplen
    return editable_forms.alias(home_path=PathPrefix("path", length)).filter(
        home_path__in=homes.values("home_page__path")
    )
