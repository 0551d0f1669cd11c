from wagtail import hooks

from sites.infowork import views

# The information-work reports (sites/infowork/): in Reports, for those allowed each.
hooks.register("register_admin_urls", views.urlpatterns)
hooks.register("register_reports_menu_item", views.budget_menu_item)
hooks.register("register_reports_menu_item", views.contest_menu_item)
hooks.register("register_reports_menu_item", views.yearly_menu_item)
