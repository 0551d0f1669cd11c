from django.urls import path
from wagtail import hooks

import sites.accounts.twofactor  # noqa: F401 (two-factor sign-in registers its hooks there)
from sites.accounts import users as accounts
from sites.isolation import pages as isolation
from sites.onboarding.views import OnboardBulkAction, onboard_view


@hooks.register("register_admin_urls")
def register_onboarding_urls():
    return [path("onboarding/<int:pk>/", onboard_view, name="platform_onboard")]


hooks.register("register_bulk_action", OnboardBulkAction)

# Regional admins manage editors' accounts only (sites/accounts.py): after Wagtail's own.
for _action in accounts.USER_BULK_ACTIONS:
    hooks.register("register_bulk_action", _action, order=100)

# Editors work only on their own sites (issue 4): see sites/isolation.py.
hooks.register("construct_page_chooser_queryset", isolation.restrict_page_chooser)
hooks.register("before_move_page", isolation.refuse_foreign_move)
hooks.register("construct_admin_api", isolation.scope_admin_api, order=100)
hooks.register("construct_reports_menu", isolation.hide_foreign_reports)
hooks.register("before_serve_document", isolation.hide_unpublished_document)
hooks.register("construct_reports_menu", isolation.hide_translations_report)

# Freshness (issue 5): the reports «Актуальность сайтов», «Охват сайтами» and «Публичные
# отчёты организаций»; see sites/freshness_views.py.


@hooks.register("register_admin_urls")
def register_freshness_urls():
    from sites.freshness import views as freshness_views

    return freshness_views.urlpatterns()


@hooks.register("register_reports_menu_item")
def register_freshness_menu_item():
    from sites.freshness import views as freshness_views

    return freshness_views.freshness_menu_item()


@hooks.register("register_reports_menu_item")
def register_coverage_menu_item():
    from sites.freshness import views as freshness_views

    return freshness_views.coverage_menu_item()


@hooks.register("register_reports_menu_item")
def register_public_reports_menu_item():
    from sites.freshness import views as freshness_views

    return freshness_views.public_reports_menu_item()


# Freshness panel on the admin home (issue 5, item 5): see sites/freshness_panel.py.


@hooks.register("construct_homepage_panels")
def add_freshness_panel(request, panels):
    from sites.freshness import panel as freshness_panel

    freshness_panel.construct_homepage_panels(request, panels)
