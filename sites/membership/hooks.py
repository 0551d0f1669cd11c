from wagtail import hooks

from sites.membership import views

# «Заявления о вступлении»: the list for editors and network admins, the counts in Reports.
hooks.register("register_admin_urls", views.urlpatterns)
hooks.register("register_admin_menu_item", views.applications_menu_item)
hooks.register("register_reports_menu_item", views.counts_menu_item)
