"""What purges what (the tags are in sites/pagecache/tags.py); every purge waits for the
transaction to commit (sites/pagecache/purge.py). Connected in SitesConfig.ready()."""

from django.db.models.signals import post_delete, post_save, pre_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from directory.models import Organization

from . import tags
from .purge import request_purge


def page_changed(sender, instance, **kwargs):
    """Published or unpublished (any page type: the signals are sent per specific class)."""
    request_purge(tags.for_page_change([instance]))


def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        request_purge(tags.for_page_change([instance]))


def page_moved(sender, instance, url_path_before, url_path_after, **kwargs):
    """A move changes the address of the page and everything below it: both sites' answers."""
    found = tags.for_page_change([instance])
    for url_path in (url_path_before, url_path_after):
        site_id = tags.site_of_path(url_path)
        if site_id is not None:
            found |= {tags.site_tag(site_id), tags.listing_tag(site_id)}
            found |= tags.flows_above([site_id])
    request_purge(found)


def remember_parent(sender, instance, raw=False, **kwargs):
    if instance.pk and not raw:
        instance._cache_previous_parent_id = (
            Organization.objects.filter(pk=instance.pk).values_list("parent_id", flat=True).first()
        )


def organization_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    previous = getattr(instance, "_cache_previous_parent_id", None)
    request_purge(
        tags.for_organization(instance, previous if previous != instance.parent_id else None)
    )


def branding_changed(sender, instance, **kwargs):
    request_purge({tags.site_tag(instance.site_id)})


def media_changed(sender, instance, created=False, raw=False, **kwargs):
    if not created and not raw:
        request_purge(tags.for_media_change(instance))


def everything(sender, raw=False, **kwargs):
    """Changes whose reach can't be told from the object: a site (hostnames are in links across
    sites), a view restriction (listings everywhere leave restricted pages out), a redirect,
    the network's settings."""
    if not raw:
        request_purge({tags.ALL})


def connect():
    page_published.connect(page_changed, dispatch_uid="pagecache-published")
    page_unpublished.connect(page_changed, dispatch_uid="pagecache-unpublished")
    post_page_move.connect(page_moved, dispatch_uid="pagecache-moved")
    post_delete.connect(page_deleted, dispatch_uid="pagecache-page-deleted")
    pre_save.connect(remember_parent, sender=Organization, dispatch_uid="pagecache-org-pre")
    post_save.connect(organization_changed, sender=Organization, dispatch_uid="pagecache-org")
    post_delete.connect(organization_changed, sender=Organization, dispatch_uid="pagecache-org-d")
    for model in ("sites.SiteBranding",):
        post_save.connect(branding_changed, sender=model, dispatch_uid=f"pagecache-{model}")
        post_delete.connect(branding_changed, sender=model, dispatch_uid=f"pagecache-d-{model}")
    for model in (get_image_model(), get_document_model()):
        post_save.connect(media_changed, sender=model, dispatch_uid=f"pagecache-media-{model}")
    for model in (
        Site,
        "wagtailcore.PageViewRestriction",
        "wagtailredirects.Redirect",
        "sites.NetworkSettings",
    ):
        post_save.connect(everything, sender=model, dispatch_uid=f"pagecache-all-{model}")
        post_delete.connect(everything, sender=model, dispatch_uid=f"pagecache-all-d-{model}")
