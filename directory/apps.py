from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Реестр организаций"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from sites.network.models import SiteBranding

        from .context_processors import invalidate
        from .models import Organization

        # What the public pages' header and footer show (context_processors.SiteChrome)
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(invalidate, dispatch_uid=f"site-chrome-{id(signal)}")
        for model in (Organization, SiteBranding, Site):
            post_save.connect(invalidate, sender=model, dispatch_uid=f"site-chrome-{model}")
            post_delete.connect(invalidate, sender=model, dispatch_uid=f"site-chrome-d-{model}")
        post_delete.connect(_page_deleted, dispatch_uid="site-chrome-page-deleted")


def _page_deleted(sender, instance, **kwargs):
    from wagtail.models import Page

    from .context_processors import invalidate

    if isinstance(instance, Page):
        invalidate()
