from django.apps import AppConfig
from django.db.models.signals import post_migrate
from wagtail.users.apps import WagtailUsersAppConfig


class SitesConfig(AppConfig):
    """Network-level code: site building, onboarding, freshness, roles."""

    default = True  # this module also holds UsersConfig
    name = "sites"
    label = "platform"
    verbose_name = "Сеть сайтов"

    def ready(self):
        from sites import patches
        from sites.isolation.pages import scope_page_listing_filters, scope_site_history_filters
        from sites.isolation.references import check_references_in_admin_forms
        from sites.isolation.workflows import scope_workflow_report_filters
        from sites.network import signals  # noqa: F401 (connects the receivers)
        from sites.network.roles import on_post_migrate

        scope_page_listing_filters()
        scope_site_history_filters()
        scope_workflow_report_filters()
        check_references_in_admin_forms()
        patches.apply()

        post_migrate.connect(on_post_migrate, sender=self)


class UsersConfig(WagtailUsersAppConfig):
    """Wagtail's users app with the scoped user views of sites/accounts.py: INSTALLED_APPS
    names this class instead of `wagtail.users`."""

    user_viewset = "sites.accounts.users.UserViewSet"
