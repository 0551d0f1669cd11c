from django.urls import path
from wagtail import hooks

from sites.onboarding.views import OnboardBulkAction, onboard_view


@hooks.register("register_admin_urls")
def register_onboarding_urls():
    return [path("onboarding/<int:pk>/", onboard_view, name="sites_onboard")]


hooks.register("register_bulk_action", OnboardBulkAction)
