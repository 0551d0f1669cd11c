"""Keep the derived rights in step when the registry changes a primary's parent, and apply a
site's review setting when it is saved."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from wagtail.models import Page

from directory.models import Organization
from home.kept import invalidate
from sites.accounts import emails
from sites.moderation import services as moderation
from sites.moderation.models import ModerationSettings
from sites.network.rights import reconcile_parent_rights, reconcile_rights

post_save.connect(moderation.on_settings_saved, sender=ModerationSettings)


@receiver(pre_save, sender=Organization)
def remember_parent(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and "parent" not in update_fields:
        return
    if instance.pk and not kwargs.get("raw"):
        instance._previous_parent_id = (
            Organization.objects.filter(pk=instance.pk).values_list("parent_id", flat=True).first()
        )


@receiver(post_save, sender=Organization)
def follow_parent_change(sender, instance, created, update_fields=None, **kwargs):
    if update_fields is not None and "parent" not in update_fields:
        return
    previous = getattr(instance, "_previous_parent_id", None)
    if created or kwargs.get("raw") or previous == instance.parent_id:
        return
    for parent in Organization.objects.filter(pk__in=[previous, instance.parent_id]):
        reconcile_rights(parent)
    if instance.home_page_id:  # its pages are now reviewed, if at all, by the new parent
        moderation.apply_review(instance)


@receiver(post_save)
def follow_translated_home(sender, instance, created, raw=False, **kwargs):
    """A translation of an organization's home page (its site in another language, made with
    wagtail-localize) is a new tree under the root: its editors' rights follow it."""
    if not created or raw or not isinstance(instance, Page) or instance.depth != 2:
        return
    organization = (
        Organization.objects.filter(home_page__translation_key=instance.translation_key)
        .exclude(home_page_id=instance.pk)
        .select_related("site", "parent")
        .first()
    )
    if organization is not None:
        reconcile_rights(organization)
        reconcile_parent_rights(organization)
        moderation.apply_review(organization)  # a reviewed site is reviewed in every language


# A new or changed account address is proven by a link sent to it (sites/accounts/emails.py).
pre_save.connect(emails.remember_email, sender=settings.AUTH_USER_MODEL)
post_save.connect(emails.confirm_new_email, sender=settings.AUTH_USER_MODEL)


def _restriction_changed(sender, **kwargs):
    """The site chrome's menu and contacts leave out pages under a view restriction
    (directory/chrome.py): a restriction added or removed renews every site's."""
    invalidate()


post_save.connect(
    _restriction_changed, sender="wagtailcore.PageViewRestriction", dispatch_uid="chrome-pvr"
)
post_delete.connect(
    _restriction_changed, sender="wagtailcore.PageViewRestriction", dispatch_uid="chrome-pvr-d"
)
