from wagtail import hooks

from sites.personal_data import views

# «Журнал согласий» and «Удаление персональных данных», under Settings, for network admins.
hooks.register("register_admin_urls", views.urlpatterns)
hooks.register("register_settings_menu_item", views.consents_menu_item)
hooks.register("register_settings_menu_item", views.erase_menu_item)
