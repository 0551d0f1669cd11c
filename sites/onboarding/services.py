"""Onboarding: give an organization of the registry its working, pre-filled site.

Everything follows from the registry (DESIGN.md) through one idempotent reconcile step,
`onboard()`: the page tree copied from the site template, the Wagtail `Site`, the media
`Collection`, the editors' `Group` with its page, collection and site-setting rights, the
territorial group's rights over its primaries' sites, and the editors' accounts. Running it
twice changes nothing; running it after a failure completes what was missing; one
organization's onboarding is one transaction. `offboard()` takes a site off line without
deleting content, and onboarding again brings it back.
"""

import json
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field

from anyascii import anyascii
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
    Site,
)
from wagtail.models.copying import _copy
from wagtail.models.reference_index import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from directory.models import ContactsPage, DirectoryPage, Organization, validate_hostname
from home.models import HomePage
from home.search_index import index_in_batches, per_save_indexing_paused
from sites.accounts import users as accounts
from sites.accounts.models import ProvenEmail
from sites.moderation.models import ModerationSettings
from sites.network.building import DEFAULT_SECTIONS, add_published_child
from sites.network.models import NetworkSettings

PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page"]
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
SITE_SETTING_PERMISSIONS = [("platform", "change_sitebranding")]
# The parent (territorial) organization decides whether its primaries' pages need its review.
PARENT_SITE_SETTING_PERMISSIONS = [("platform", "change_moderationsettings")]
EDITOR_GLOBAL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    # English versions of their own pages (wagtail-localize); sites/isolation.py limits every
    # translation view to pages the user may edit.
    ("wagtail_localize", "submit_translation"),
]
TEMPLATE_TITLE = "Шаблон сайта"
PLACEHOLDERS = ("{организация}", "{полное наименование}")
TEXT_FIELDS = [
    "title",
    "draft_title",
    "seo_title",
    "search_description",
    "intro",
    "summary",
    "lead",
]
GROUP_NAME_LENGTH = 150
DERIVED_LINKS = ["hostname", "home_page", "site", "collection", "editors_group"]


@dataclass
class OnboardingResult:
    organization: Organization
    created: list = field(default_factory=list)  # what this run made, in words
    invited: list = field(default_factory=list)  # users sent an invitation

    @property
    def changed(self):
        return bool(self.created or self.invited)


def _perms(keys):
    """Permission objects for (app_label, codename) pairs, in one query, in the given order."""
    found = {
        (perm.content_type.app_label, perm.codename): perm
        for perm in Permission.objects.select_related("content_type").filter(
            codename__in=[codename for _, codename in keys]
        )
    }
    return [found[key] for key in keys]


# Hostnames ---------------------------------------------------------------------------------


def _label_taken(label, organization):
    hostname = f"{label}.{settings.PLATFORM_BASE_DOMAIN}"
    return (
        Organization.objects.filter(hostname=label).exclude(pk=organization.pk).exists()
        or Site.objects.filter(hostname=hostname).exists()
    )


GENERIC_WORDS = {"организация", "профсоюза", "ппо", "первичная", "профсоюзная", "№"}


def derive_hostname_label(organization):
    """A DNS label from the transliterated short name, unique on the platform: registry short
    names repeat ("ППО СОШ № 1" is in many districts), so a number is added when taken."""
    words = [w for w in organization.short_name.split() if w.lower() not in GENERIC_WORDS]
    base = slugify(anyascii(" ".join(words))).strip("-")[:50].strip("-")
    base = base or f"org-{slugify(organization.code)}"
    label, n = base, 2
    while _label_taken(label, organization):
        label, n = f"{base}-{n}", n + 1
    return label


def check_hostname(organization, hostname):
    """Validate a hostname asked for an organization (a label or a full domain); returns it
    normalised or raises ValidationError in Russian."""
    hostname = hostname.strip().lower()
    validate_hostname(hostname)
    if Organization.objects.filter(hostname=hostname).exclude(pk=organization.pk).exists():
        raise ValidationError(f"Адрес {hostname} уже указан у другой организации.")
    return hostname


def check_site_free(organization, full_hostname):
    site = Site.objects.filter(hostname=full_hostname).first()
    if site and site.pk != organization.site_id:
        raise ValidationError(f"Адрес {full_hostname} уже занят другим сайтом.")


# The site template ---------------------------------------------------------------------------


def site_template():
    """The template tree's root, made from the built-in defaults on first use. Regional admins
    edit it in the admin like any other (unpublished) pages."""
    network = NetworkSettings.load()
    if network.site_template_id:
        return network.site_template
    template = Page.get_first_root_node().add_child(
        instance=HomePage(
            title=TEMPLATE_TITLE,
            slug="shablon-sayta",
            live=False,
            intro="<p>Новости, публичные отчёты и контакты: {организация}. Вступайте в "
            "Профсоюз — вместе мы сильнее!</p>",
        )
    )
    template.save_revision(log_action=False)
    for spec in DEFAULT_SECTIONS:
        page = template.add_child(
            instance=spec.model(
                title=spec.title, slug=spec.slug, show_in_menus=True, live=False, **spec.fields
            )
        )
        page.save_revision(log_action=False)
    network.site_template = template
    network.save(update_fields=["site_template"])
    return template


def _fill_placeholders(page, organization):
    values = dict(zip(PLACEHOLDERS, (organization.short_name, organization.name), strict=True))

    def fill(text):
        for placeholder, value in values.items():
            text = text.replace(placeholder, value)
        return text

    for name in TEXT_FIELDS:
        value = getattr(page, name, None)
        if isinstance(value, str) and "{" in value:
            setattr(page, name, fill(value))
    body = getattr(page, "body", None)
    if body is not None and hasattr(body, "get_prep_value"):
        raw = json.dumps(body.get_prep_value(), ensure_ascii=False)
        if any(placeholder in raw for placeholder in PLACEHOLDERS):
            filled = json.loads(fill(raw))
            page.body = [(block["type"], block["value"]) for block in filled]


@dataclass(frozen=True)
class TemplateSnapshot:
    """The site template's pages as their latest drafts, read once for any number of copies."""

    pages: list  # (draft page, path of its parent in the template or None for the root)
    has_references: bool  # to images, documents or pages: copies then need reference index rows

    @classmethod
    def take(cls):
        template = site_template()
        sources = Page.objects.descendant_of(template, inclusive=True).order_by("path")
        pages = [
            (
                source.get_latest_revision_as_object(),
                None if source.pk == template.pk else source.path[: -source.steplen],
                source.path,
            )
            for source in sources.specific()
        ]
        return cls(pages, any(_has_references(draft) for draft, _, _ in pages))


def _has_references(page):
    extract = getattr(ReferenceIndex, "_extract_references_from_object", None)
    if extract is None:  # not in this Wagtail version: index every copy, as Wagtail would
        return True
    return any(True for _ in extract(page))


def copy_template_tree(organization, *, user=None, template=None):
    """A published copy of the site template for `organization`, as a child of the root."""
    template = template or TemplateSnapshot.take()
    # Copies of pages that reference nothing get no reference index rows: skip working that out
    # page by page. Search indexing is done for the whole tree at once, below.
    references = nullcontext() if template.has_references else disable_reference_index_auto_update()
    with references, per_save_indexing_paused(*{type(draft) for draft, _, _ in template.pages}):
        new_pages = _copy_pages(template, organization, user)
    index_in_batches(list(new_pages.values()))
    return new_pages[template.pages[0][2]]


def _copy_pages(template, organization, user):
    now = timezone.now()
    new_pages = {}
    for draft, parent_path, path in template.pages:
        exclude = draft.default_exclude_fields_in_copy + draft.exclude_fields_in_copy
        copy, children = _copy(
            draft,
            exclude_fields=exclude + ["live_revision", "first_published_at", "last_published_at"],
            update_attrs={"translation_key": uuid.uuid4(), "alias_of": None, "locked": False},
        )
        for child in children.values():
            if hasattr(child, "translation_key"):
                child.translation_key = uuid.uuid4()
        _fill_placeholders(copy, organization)
        if parent_path is None:
            copy.title = copy.draft_title = organization.short_name
            copy.slug = _home_slug(organization)
            parent = Page.get_first_root_node()
        else:
            parent = new_pages[parent_path]
        if isinstance(copy, ContactsPage):
            for name, value in organization.contact_defaults().items():
                setattr(copy, name, value)
        new_pages[path] = add_published_child(parent, copy, user=user, at=now, clean=False)
    return new_pages


def _home_slug(organization):
    base = (organization.full_hostname() or organization.code).replace(".", "-")[:200]
    slug, n = base, 2
    while Page.objects.filter(depth=2, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def append_collection(name):
    """A new top-level collection, added last. `Collection.add_child()` keeps siblings sorted
    by name and so rewrites the path of every collection after the new one: with hundreds of
    organizations that is hundreds of UPDATEs per onboarding. The admin sorts them anyway."""
    root = Collection.get_first_root_node()
    last = Collection.objects.filter(depth=root.depth + 1).order_by("-path").first()
    path = last._inc_path() if last else Collection._get_path(root.path, root.depth + 1, 1)
    collection = Collection.objects.create(name=name, path=path, depth=root.depth + 1, numchild=0)
    Collection.objects.filter(pk=root.pk).update(numchild=F("numchild") + 1)
    return collection


# Rights --------------------------------------------------------------------------------------


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
    all_perms = _perms(
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


# Editors -------------------------------------------------------------------------------------


def check_emails(emails):
    cleaned = []
    for email in emails:
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(f"Неверный адрес электронной почты: «{email}».") from None
        if email not in cleaned:
            cleaned.append(email)
    return cleaned


def _editor_account(email):
    """The account of a registry address: one whose address is proven to be it, or a new one.
    An account that merely claims the address (typed into a form, never confirmed) is not
    reused: it could be anyone's, and the rights go to the address's owner."""
    user = accounts.accounts_with_proven_email(email).first()
    if user is not None:
        return user
    user_model = get_user_model()
    username, n = email, 2
    while user_model.objects.filter(username=username).exists():
        username, n = f"{email}-{n}", n + 1
    user = user_model(username=username, email=email, is_active=True)
    user.set_unusable_password()
    user.save()
    accounts.prove_email(user, ProvenEmail.Source.REGISTRY)
    return user


def invitation_link(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("wagtailadmin_password_reset_confirm", args=[uid, token])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def send_invitation(user, organization):
    site_url = organization.site.root_url + "/" if organization.site_id else ""
    send_mail(
        subject=f"Приглашение: редактор сайта «{organization.short_name}»",
        message=(
            f"Здравствуйте!\n\nВы назначены редактором сайта организации "
            f"«{organization.short_name}» {site_url}\n\n"
            f"Чтобы задать пароль и войти, откройте ссылку:\n{invitation_link(user)}\n\n"
            f"Ваше имя для входа: {user.get_username()}\n\n"
            "Если вы не ожидали этого письма, просто проигнорируйте его."
        ),
        from_email=None,
        recipient_list=[user.email],
    )


# The reconcile step --------------------------------------------------------------------------


def ensure_editors_group(organization, result):
    if organization.editors_group_id:
        return organization.editors_group
    name = editors_group_name(organization)
    group, created = Group.objects.get_or_create(name=name)
    if created:
        result.created.append(f"группа «{name}»")
    group.permissions.add(*_perms(EDITOR_GLOBAL_PERMISSIONS))
    organization.editors_group = group
    return group


DIRECTORY_PAGE_TITLE = "Организации профсоюза"
DIRECTORY_PAGE_SLUG = "organizatsii"


def ensure_directory_page(organization, result, *, user=None):
    """Regional and territorial sites list the organizations below them: a published
    `DirectoryPage` under the home page, made once. Its content comes from the registry at
    request time, so there is nothing to keep in step; one that exists, live or not, is left
    as the editors keep it. Not in the site template: primary organizations have none."""
    if organization.kind == Organization.Kind.PRIMARY or organization.home_page_id is None:
        return
    home = organization.home_page
    if DirectoryPage.objects.child_of(home).exists():
        return
    taken = set(home.get_children().values_list("slug", flat=True))
    slug, n = DIRECTORY_PAGE_SLUG, 2
    while slug in taken:
        slug, n = f"{DIRECTORY_PAGE_SLUG}-{n}", n + 1
    page = DirectoryPage(title=DIRECTORY_PAGE_TITLE, slug=slug, show_in_menus=True)
    add_published_child(home, page, user=user)
    result.created.append(f"страница «{DIRECTORY_PAGE_TITLE}»")


def _bring_back_tree(home, result):
    """Publish again what offboarding took off line (pages that had been published)."""
    tree = Page.objects.descendant_of(home, inclusive=True)
    count = tree.filter(live=False, first_published_at__isnull=False).update(live=True)
    if count:
        result.created.append(f"опубликовано снова: {count} стр.")


@transaction.atomic
def onboard(organization, *, hostname=None, editors=(), user=None, template=None):
    """Create (or complete) everything that follows from the registry for `organization`.

    Validates first and raises ValidationError with a one-line Russian message, changing
    nothing; otherwise all of it is one transaction. A bulk run passes one `template`
    snapshot (TemplateSnapshot.take()) for all its organizations."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    emails = check_emails(editors)
    if hostname:
        hostname = check_hostname(organization, hostname)
        if organization.site_id and hostname != organization.hostname:
            raise ValidationError(
                f"У организации «{organization}» уже есть сайт {organization.site.root_url}/; "
                "его адрес меняется в настройках сайтов."
            )
    if organization.kind != Organization.Kind.REGIONAL and not organization.parent_id:
        raise ValidationError(f"У организации «{organization}» не указана вышестоящая.")
    result = OnboardingResult(organization)

    if hostname and hostname != organization.hostname:
        organization.hostname = hostname
    elif not organization.full_hostname():
        organization.hostname = derive_hostname_label(organization)
    full_hostname = organization.full_hostname()
    check_site_free(organization, full_hostname)

    if organization.home_page_id is None:
        organization.home_page = copy_template_tree(organization, user=user, template=template)
        result.created.append("дерево страниц из шаблона")
    elif organization.site_id is None:
        _bring_back_tree(organization.home_page, result)
    ensure_directory_page(organization, result, user=user)

    if organization.site_id is None:
        site = Site.objects.create(
            hostname=full_hostname,
            port=settings.PLATFORM_SITE_PORT,
            root_page=organization.home_page,
            site_name=organization.short_name,
            is_default_site=organization.kind == Organization.Kind.REGIONAL,
        )
        organization.site = site
        result.created.append(f"сайт {site.root_url}/")

    if organization.collection_id is None:
        collection = append_collection(editors_group_name(organization))
        organization.collection = collection
        result.created.append(f"коллекция «{collection.name}»")

    group = ensure_editors_group(organization, result)
    # The links to what was derived, in one write that neither re-indexes the registry entry
    # for search nor looks like a registry edit (no signals): none of them is a registry fact.
    Organization.objects.filter(pk=organization.pk).update(
        **{name: getattr(organization, name) for name in DERIVED_LINKS}
    )
    if reconcile_rights(organization):
        result.created.append("права группы редакторов")
    if reconcile_parent_rights(organization):
        result.created.append("права вышестоящей организации")

    for email in emails:
        account = _editor_account(email)
        if not account.groups.filter(pk=group.pk).exists():
            account.groups.add(group)
            result.invited.append(account)
            transaction.on_commit(lambda account=account: send_invitation(account, organization))
    return result


@transaction.atomic
def offboard(organization):
    """Take the site off line: unpublish its pages, remove its `Site` and the rights on it.
    No content is deleted; `onboard()` brings it back."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.site_id is None:
        raise ValidationError(f"У организации «{organization}» нет сайта.")
    site = organization.site
    Page.objects.descendant_of(site.root_page, inclusive=True).filter(live=True).update(
        live=False, has_unpublished_changes=True
    )
    organization.site = None
    Organization.objects.filter(pk=organization.pk).update(site=None)
    site.delete()
    reconcile_rights(organization)
    reconcile_parent_rights(organization)
    return organization


def without_site(kind=None, parent=None):
    organizations = Organization.objects.filter(site__isnull=True).select_related("parent")
    if kind:
        organizations = organizations.filter(kind=kind)
    if parent:
        organizations = organizations.filter(parent=parent)
    return organizations.order_by("kind", "code")
