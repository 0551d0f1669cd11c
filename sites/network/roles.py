"""The platform's roles as Wagtail groups (SECURITY.md, "Roles").

Regional admins are a group with exactly what their work needs, not superusers. Editors'
groups are made per organization by onboarding (sites/onboarding/)."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from directory.models import Organization

REGIONAL_ADMINS = "Региональные администраторы"

REGIONAL_ADMIN_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("directory", "add_organization"),
    ("directory", "change_organization"),
    ("directory", "delete_organization"),
    ("directory", "view_organization"),
    ("directory", "onboard_organization"),
    ("sites", "change_networksettings"),
    ("sites", "change_sitebranding"),
    ("sites", "change_moderationsettings"),
    ("wagtail_localize", "submit_translation"),
    ("auth", "add_user"),
    ("auth", "change_user"),
    ("auth", "delete_user"),
]
REGIONAL_ADMIN_PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
    "bulk_delete_page",
]
REGIONAL_ADMIN_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "delete_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "delete_document"),
    ("wagtaildocs", "choose_document"),
    ("wagtailcore", "add_collection"),
    ("wagtailcore", "change_collection"),
]


def is_network_admin(user):
    """Superusers and regional admins (their group, or any group with page rights on the
    root): those who see and manage every organization's site. One query."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Group.objects.filter(
        Q(name=REGIONAL_ADMINS) | Q(page_permissions__page__depth=1), user=user
    ).exists()


def is_network_admin_once(user):
    """`is_network_admin(user)`, asked once per user object, that is per request: the admin's
    menu, its hooks and its views ask it for many items of one page."""
    found = getattr(user, "_network_admin", None)
    if found is None:
        found = is_network_admin(user)
        user._network_admin = found
    return found


def own_organizations(user):
    """The organizations whose editors' group `user` is in (none for an inactive or anonymous
    user): whose work an editor sees."""
    if not user.is_authenticated or not user.is_active:
        return Organization.objects.none()
    return Organization.objects.filter(editors_group__user=user)


def permissions(keys):
    found = []
    for app_label, codename in keys:
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


@transaction.atomic
def ensure_regional_admins_group():
    """Create or repair the regional admins' group; it ends with exactly these rights."""
    group, _ = Group.objects.get_or_create(name=REGIONAL_ADMINS)
    group.permissions.set(permissions(REGIONAL_ADMIN_PERMISSIONS))
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    if root_page is None or root_collection is None:
        return group  # a flushed database (transactional tests): nothing to grant rights on
    page_perms = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=REGIONAL_ADMIN_PAGE_PERMISSIONS
    )
    GroupPagePermission.objects.filter(group=group).exclude(
        page=root_page, permission__in=page_perms
    ).delete()
    for permission in page_perms:
        GroupPagePermission.objects.get_or_create(
            group=group, page=root_page, permission=permission
        )
    collection_perms = permissions(REGIONAL_ADMIN_COLLECTION_PERMISSIONS)
    GroupCollectionPermission.objects.filter(group=group).exclude(
        collection=root_collection, permission__in=collection_perms
    ).delete()
    for permission in collection_perms:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root_collection, permission=permission
        )
    return group


def on_post_migrate(sender, using="default", **kwargs):
    # Django makes each app's permissions in its own post_migrate handler, and ours may run
    # before those of apps listed after it: make them all first (idempotent).
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    ensure_regional_admins_group()
