"""Form submissions hold members' personal data: only the form's own organization's editors,
and the network admins, see them (Wagtail lets anyone who may edit the page, which would
include the territorial organization's editors on their primaries' sites)."""

from django.db.models import Q

from directory.models import Organization
from sites.network.roles import is_network_admin


def own_submissions_only(user, editable_forms):
    """The `filter_form_submissions_for_user` hook: the form pages on the sites of the
    organizations whose editors' group `user` is in (all of them for network admins)."""
    if is_network_admin(user):
        return editable_forms
    homes = Organization.objects.filter(
        editors_group__user=user, home_page__isnull=False
    ).values_list("home_page__path", flat=True)
    condition = Q(pk__in=[])
    for path in homes:
        condition |= Q(path__startswith=path)
    return editable_forms.filter(condition)
