from django.apps import AppConfig
from django.db.models.signals import post_migrate
from wagtail.users.apps import WagtailUsersAppConfig


class SitesConfig(AppConfig):
    """Network-level code: site building, onboarding, freshness, roles."""

    default = True  # this module also holds UsersConfig
    name = "sites"
    label = "sites"
    verbose_name = "Сеть сайтов"

    def ready(self):
        # Imported here, once the app registry is ready: they import models.
        from wagtail.signals import page_published

        from reports import pdf
        from reports.models import PublicReportPage
        from sites.freshness import summary as freshness_summary
        from sites.network import signals  # noqa: F401 (connects the receivers)
        from sites.network.roles import on_post_migrate
        from sites.onboarding.pages import complete_sites
        from sites.pagecache import signals as pagecache_signals
        from sites.patches import registry

        registry.apply()
        pagecache_signals.connect()
        freshness_summary.connect()
        # A public report's PDF made again when it is published (reports/pdf.py).
        page_published.connect(pdf.made_on_publish, sender=PublicReportPage, dispatch_uid="pdf")

        post_migrate.connect(on_post_migrate, sender=self)
        post_migrate.connect(freshness_summary.fill_if_missing, sender=self)
        post_migrate.connect(complete_sites, sender=self)


class UsersConfig(WagtailUsersAppConfig):
    """Wagtail's users app with the scoped user views of sites/accounts/: INSTALLED_APPS
    names this class instead of `wagtail.users`."""

    user_viewset = "sites.accounts.users.UserViewSet"
