from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Реестр организаций"

    def ready(self):
        # Imported once the app registry is ready: they import models.
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Locale, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from directory.models import Organization
        from home.kept import invalidate

        # What the public pages' header and footer show (context_processors.SiteChrome)
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(invalidate, dispatch_uid=f"site-chrome-{id(signal)}")
        # The site's branding is a setting of the network ("sites.SiteBranding"), named
        # here rather than imported: the registry does not depend on the network's code.
        for model in (Organization, "sites.SiteBranding", Site, Locale):
            post_save.connect(invalidate, sender=model, dispatch_uid=f"site-chrome-{model}")
            post_delete.connect(invalidate, sender=model, dispatch_uid=f"site-chrome-d-{model}")
        post_delete.connect(_page_deleted, dispatch_uid="site-chrome-page-deleted")
        # A page that becomes an alias shows its original's content from then on, which the
        # kept sections and home page must not hide: it starts a generation too.
        post_save.connect(_alias_created, dispatch_uid="site-chrome-alias-created")


def _page_deleted(sender, instance, **kwargs):
    from wagtail.models import Page  # here: this module is imported before the models

    from home.kept import invalidate

    if isinstance(instance, Page):
        invalidate()


def _alias_created(sender, instance, created, update_fields=None, **kwargs):
    """A page made an alias: created as one, or converted (wagtail-localize's «convert to
    alias» saves `alias_of_id` alone, and sends no publish signal for a live page)."""
    from wagtail.models import Page  # here: this module is imported before the models

    from home.kept import invalidate

    if not (isinstance(instance, Page) and instance.alias_of_id):
        return
    if created or (update_fields is not None and "alias_of_id" in update_fields):
        invalidate()
