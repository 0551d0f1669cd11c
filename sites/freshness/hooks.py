from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks

from sites.freshness import panel, views

# The reports «Актуальность сайтов», «Охват сайтами» and «Публичные отчёты организаций»
hooks.register("register_admin_urls", views.urlpatterns)
hooks.register("register_reports_menu_item", views.freshness_menu_item)
hooks.register("register_reports_menu_item", views.coverage_menu_item)
hooks.register("register_reports_menu_item", views.public_reports_menu_item)
# The panel on the admin home
hooks.register("construct_homepage_panels", panel.construct_homepage_panels)
# After Wagtail's own hook has added its items.
hooks.register(
    "construct_homepage_summary_items", panel.construct_homepage_summary_items, order=1000
)


@hooks.register("insert_global_admin_css")
def report_tables_css():
    """The reports' tables at a laptop's width (static/css/admin.css)."""
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))
