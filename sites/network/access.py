"""Admin views and menu items of the network's own screens, for the users a check allows
(`is_network_admin_once`, or a room's own rule): one mixin and one menu item for them all."""

from django.core.exceptions import PermissionDenied
from wagtail.admin.menu import MenuItem

from sites.network.roles import is_network_admin_once


class AllowedOnly:
    """A view mixin: 403 (Wagtail sends the user back home) unless `allowed(user)`; network
    admins by default."""

    allowed = staticmethod(is_network_admin_once)

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AllowedMenuItem(MenuItem):
    """A menu item shown to the users `allowed(user)` lets in (network admins by default),
    as the views it opens do."""

    def __init__(self, *args, allowed=is_network_admin_once, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = allowed

    def is_shown(self, request):
        return self.allowed(request.user)
