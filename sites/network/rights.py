"""Editors' rights, derived from the registry: an organization's group gets exactly the page,
collection and site-setting permissions on its own site (and a territorial one's on its
primaries' sites); `reconcile_rights` makes them so, idempotently."""

from django.contrib.auth.models import Permission
from wagtail.models import (
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
)

from directory.models import Organization
from sites.moderation.models import ModerationSettings

PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page"]
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
SITE_SETTING_PERMISSIONS = [("sites", "change_sitebranding")]
# The parent (territorial) organization decides whether its primaries' pages need its review.
PARENT_SITE_SETTING_PERMISSIONS = [("sites", "change_moderationsettings")]
EDITOR_GLOBAL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    # English versions of their own pages (wagtail-localize); sites/isolation/ limits every
    # translation view to pages the user may edit.
    ("wagtail_localize", "submit_translation"),
]
GROUP_NAME_LENGTH = 150


def permissions_for(keys):
    """Permission objects for (app_label, codename) pairs, in one query, in the given order."""
    found = {
        (perm.content_type.app_label, perm.codename): perm
        for perm in Permission.objects.select_related("content_type").filter(
            codename__in=[codename for _, codename in keys]
        )
    }
    return [found[key] for key in keys]


def editors_group_name(organization):
    suffix = f" ({organization.code})"
    return organization.short_name[: GROUP_NAME_LENGTH - len(suffix)] + suffix


def reconcile_rights(organization, *, only=None):
    """Give the organization's group exactly the rights it should have: on its own site and,
    for a territorial organization, on the sites of its primaries. With `only` (one of those
    organizations), look at the rights on that organization's objects alone: onboarding a
    primary touches its own rows, not the hundreds of its siblings'. Returns True if changed."""
    group = organization.editors_group
    if group is None:
        return False
    territorial = organization.kind == Organization.Kind.TERRITORIAL
    scope = []  # an organization whose site is off line has no rights at all
    if organization.site_id is None:
        pass
    elif only is None:
        scope.append(organization)
        if territorial:
            scope += organization.children.filter(site__isnull=False).select_related("site")
    elif only.pk == organization.pk or (
        territorial and only.parent_id == organization.pk and only.site_id
    ):
        scope.append(only)
    changed = False

    def limit(object_field, ids):
        return None if only is None else {f"{object_field}__in": [i for i in ids if i]}

    page_keys = [("wagtailcore", codename) for codename in PAGE_PERMISSIONS]
    all_perms = permissions_for(
        page_keys
        + COLLECTION_PERMISSIONS
        + SITE_SETTING_PERMISSIONS
        + PARENT_SITE_SETTING_PERMISSIONS
    )
    page_perms = all_perms[: len(page_keys)]
    collection_perms = all_perms[len(page_keys) : len(page_keys) + len(COLLECTION_PERMISSIONS)]
    site_perms = all_perms[len(page_keys) + len(COLLECTION_PERMISSIONS) : -1]
    parent_site_perm = all_perms[-1]
    # A site under its parent's review: its own editors submit, the parent's editors publish.
    reviewed = organization in scope and review_required(organization)
    root_ids = {org.site.root_page_id for org in scope}
    if only is not None and only.home_page_id:
        root_ids.add(only.home_page_id)
    roots = _translations_of(sorted(root_ids))  # each home page in every language
    wanted = {
        (root_id, perm.pk)
        for org in scope
        for root_id in roots[org.site.root_page_id]
        for perm in page_perms
        if not (reviewed and org.pk == organization.pk and perm.codename == "publish_page")
    }
    within = None if only is None else {"page_id__in": roots.get(only.home_page_id, [])}
    changed |= _sync(GroupPagePermission, group, "page_id", wanted, within)

    wanted = {
        (org.collection_id, perm.pk)
        for org in scope
        if org.collection_id
        for perm in collection_perms
    }
    within = limit("collection_id", [only and only.collection_id])
    changed |= _sync(GroupCollectionPermission, group, "collection_id", wanted, within)

    wanted = {(org.site_id, perm.pk) for org in scope for perm in site_perms}
    wanted |= {(org.site_id, parent_site_perm.pk) for org in scope if org.pk != organization.pk}
    within = limit("site_id", [only and only.site_id])
    changed |= _sync(GroupSitePermission, group, "site_id", wanted, within)
    return changed


def _translations_of(root_ids):
    """{page id: [its id and those of its translations]}, in one query. A site's English
    version (wagtail-localize) is a second tree whose root is the translation of the home page:
    the editors' rights cover it as well."""
    roots = {root_id: [root_id] for root_id in root_ids}
    if not root_ids:
        return roots
    pages = Page.objects.filter(
        translation_key__in=Page.objects.filter(pk__in=root_ids).values("translation_key")
    ).values_list("pk", "translation_key")
    by_key = {}
    for pk, key in pages:
        by_key.setdefault(key, []).append(pk)
    for pk, key in pages:
        if pk in roots:
            roots[pk] = sorted(by_key[key])
    return roots


def review_required(organization):
    """Must the organization's pages be approved by its parent before they go live?"""
    return bool(
        organization.site_id
        and organization.kind == Organization.Kind.PRIMARY
        and ModerationSettings.objects.filter(
            site_id=organization.site_id, require_parent_review=True
        ).exists()
    )


def _sync(model, group, object_field, wanted, within=None):
    rows = model.objects.filter(group=group, **(within or {}))
    existing = {(getattr(row, object_field), row.permission_id): row.pk for row in rows}
    extra = [pk for key, pk in existing.items() if key not in wanted]
    missing = wanted - existing.keys()
    if extra:
        model.objects.filter(pk__in=extra).delete()
    model.objects.bulk_create(
        [model(group=group, **{object_field: obj, "permission_id": perm}) for obj, perm in missing]
    )
    return bool(extra or missing)


def reconcile_parent_rights(organization):
    """A primary organization's territorial group keeps its rights over the primary's site."""
    if organization.parent_id and organization.parent.kind == Organization.Kind.TERRITORIAL:
        return reconcile_rights(organization.parent, only=organization)
    return False
