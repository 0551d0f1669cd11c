from django.urls import path
from wagtail import hooks

from . import isolation
from .views import OnboardBulkAction, onboard_view


@hooks.register("register_admin_urls")
def register_onboarding_urls():
    return [path("onboarding/<int:pk>/", onboard_view, name="platform_onboard")]


hooks.register("register_bulk_action", OnboardBulkAction)

# Editors work only on their own sites (issue 4): see sites/isolation.py.
hooks.register("construct_page_chooser_queryset", isolation.restrict_page_chooser)
hooks.register("before_move_page", isolation.refuse_foreign_move)
hooks.register("construct_admin_api", isolation.scope_admin_api, order=100)
hooks.register("construct_reports_menu", isolation.hide_foreign_reports)
hooks.register("before_serve_document", isolation.hide_unpublished_document)
