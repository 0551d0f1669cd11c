from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Реестр организаций"

    def ready(self):
        # Imported once the app registry is ready: they import models.
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Locale, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from directory.chrome import invalidate
        from directory.models import Organization

        # What the public pages' header and footer show (context_processors.SiteChrome)
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(invalidate, dispatch_uid=f"site-chrome-{id(signal)}")
        # The site's branding is a setting of the network ("sites.SiteBranding"), named
        # here rather than imported: the registry does not depend on the network's code.
        for model in (Organization, "sites.SiteBranding", Site, Locale):
            post_save.connect(invalidate, sender=model, dispatch_uid=f"site-chrome-{model}")
            post_delete.connect(invalidate, sender=model, dispatch_uid=f"site-chrome-d-{model}")
        post_delete.connect(_page_deleted, dispatch_uid="site-chrome-page-deleted")


def _page_deleted(sender, instance, **kwargs):
    from wagtail.models import Page  # here: this module is imported before the models

    from directory.chrome import invalidate

    if isinstance(instance, Page):
        invalidate()
