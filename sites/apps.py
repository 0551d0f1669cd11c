from django.apps import AppConfig


class SitesConfig(AppConfig):
    """Network-level code: site building, onboarding, freshness, roles."""

    name = "sites"
    label = "platform"
    verbose_name = "Сеть сайтов"
