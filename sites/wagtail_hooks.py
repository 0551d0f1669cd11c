"""Wagtail finds the hooks here: each room registers its own."""

from wagtail import hooks

from sites.accounts import hooks as accounts_hooks  # noqa: F401
from sites.freshness import panel as freshness_panel
from sites.freshness import views as freshness_views
from sites.isolation import hooks as isolation_hooks  # noqa: F401
from sites.onboarding import hooks as onboarding_hooks  # noqa: F401

# Freshness: the reports «Актуальность сайтов», «Охват сайтами» and «Публичные
# отчёты организаций»; see sites/freshness/.


@hooks.register("register_admin_urls")
def register_freshness_urls():
    return freshness_views.urlpatterns()


@hooks.register("register_reports_menu_item")
def register_freshness_menu_item():
    return freshness_views.freshness_menu_item()


@hooks.register("register_reports_menu_item")
def register_coverage_menu_item():
    return freshness_views.coverage_menu_item()


@hooks.register("register_reports_menu_item")
def register_public_reports_menu_item():
    return freshness_views.public_reports_menu_item()


# Freshness panel on the admin home: see sites/freshness/panel.py.


@hooks.register("construct_homepage_panels")
def add_freshness_panel(request, panels):
    freshness_panel.construct_homepage_panels(request, panels)
