from wagtail import hooks

from .views import OrganizationViewSet


@hooks.register("register_admin_viewset")
def register_organization_viewset():
    return OrganizationViewSet("organizations")
