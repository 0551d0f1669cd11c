"""Onboarding: give an organization of the registry its working, pre-filled site.

Everything follows from the registry through one idempotent reconcile step,
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
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import (
    Collection,
    Page,
    Site,
)
from wagtail.signal_handlers import disable_reference_index_auto_update

from directory.models import ContactsPage, Organization, validate_hostname
from home.models import HomePage
from home.search_index import index_in_batches, per_save_indexing_paused
from sites.freshness import summary as freshness_summary
from sites.network.building import (
    DEFAULT_SECTIONS,
    add_draft_child,
    add_published_child,
    reserved_paths,
)
from sites.network.models import NetworkSettings
from sites.network.rights import (
    EDITOR_GLOBAL_PERMISSIONS,
    editors_group_name,
    permissions_for,
    reconcile_parent_rights,
    reconcile_rights,
)
from sites.onboarding.invitations import check_emails, editor_account, send_invitation
from sites.onboarding.pages import ensure_directory_page, ensure_site_pages
from sites.patches.internals import copy_unsaved, extract_references

TEMPLATE_TITLE = "Шаблон сайта"
TEMPLATE_SLUG = "shablon-sayta"
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
DERIVED_LINKS = ["hostname", "home_page", "site", "collection", "editors_group"]


@dataclass
class OnboardingResult:
    organization: Organization
    created: list = field(default_factory=list)  # what this run made, in words
    invited: list = field(default_factory=list)  # users sent an invitation

    @property
    def changed(self):
        return bool(self.created or self.invited)


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
    template = add_draft_child(
        Page.get_first_root_node(),
        HomePage(
            title=TEMPLATE_TITLE,
            slug=_free_root_slug(TEMPLATE_SLUG),
            intro="<p>Новости, публичные отчёты и контакты: {организация}. Вступайте в "
            "Профсоюз — вместе мы сильнее!</p>",
        ),
        clean=False,
    )
    for spec in DEFAULT_SECTIONS:
        add_draft_child(
            template,
            spec.model(title=spec.title, slug=spec.slug, show_in_menus=True, **spec.fields),
            clean=False,
        )
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
        """The template as it is now: kept in the process while its pages, their places and
        their latest revisions stay the same (one query to tell), since reading every page's
        draft is most of what onboarding one organization reads."""
        template = site_template()
        sources = Page.objects.descendant_of(template, inclusive=True).order_by("path")
        fingerprint = tuple(
            sources.values_list("pk", "path", "latest_revision_id", "latest_revision_created_at")
        )
        kept = _kept_snapshots.get(fingerprint)
        if kept is not None:
            return kept
        pages = [
            (
                source.get_latest_revision_as_object(),
                None if source.pk == template.pk else source.path[: -source.steplen],
                source.path,
            )
            for source in sources.specific()
        ]
        snapshot = cls(pages, any(_has_references(draft) for draft, _, _ in pages))
        # Not kept: a page without a revision (it is its own draft and may change with none),
        # and drafts that refer to images, documents or pages (one deleted meanwhile changes
        # the page, not its revision: a kept draft would hold the lost reference).
        if not snapshot.has_references and all(
            revision_id is not None for _, _, revision_id, _ in fingerprint
        ):
            _kept_snapshots.clear()
            _kept_snapshots[fingerprint] = snapshot
        return snapshot


# The latest TemplateSnapshot by its pages' (id, path, latest revision and its time): revisions
# are never changed, and the time tells apart revisions a rolled-back transaction gave the
# same id. Copies are made from the snapshot's drafts, which are never changed themselves.
_kept_snapshots = {}


def _has_references(page):
    return any(True for _ in extract_references(page))


def copy_template_tree(organization, *, user=None, template=None, home_path=None):
    """A published copy of the site template for `organization`, as a child of the root (at
    `home_path` when one was reserved for it, `bulk.py`)."""
    template = template or TemplateSnapshot.take()
    # Copies of pages that reference nothing get no reference index rows: skip working that out
    # page by page. Search indexing is done for the whole tree at once, below.
    references = nullcontext() if template.has_references else disable_reference_index_auto_update()
    with references, per_save_indexing_paused(*{type(draft) for draft, _, _ in template.pages}):
        new_pages = _copy_pages(template, organization, user, home_path)
    index_in_batches(list(new_pages.values()))
    return new_pages[template.pages[0][2]]


def _copy_pages(template, organization, user, home_path=None):
    now = timezone.now()
    new_pages = {}
    for draft, parent_path, source_path in template.pages:
        exclude = draft.default_exclude_fields_in_copy + draft.exclude_fields_in_copy
        copy, children = copy_unsaved(
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
            parent, path = Page.get_first_root_node(), home_path
        else:
            parent, path = new_pages[parent_path], None
        if isinstance(copy, ContactsPage):
            for name, value in organization.contact_defaults().items():
                setattr(copy, name, value)
        new_pages[source_path] = add_published_child(
            parent, copy, user=user, at=now, clean=False, path=path
        )
    return new_pages


def _home_slug(organization):
    return _free_root_slug((organization.full_hostname() or organization.code).replace(".", "-"))


def _free_root_slug(base):
    """`base`, or `base-2`, `base-3`…: the first slug no page under the root has."""
    base = base[:200]
    slug, n = base, 2
    while Page.objects.filter(depth=2, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def append_collection(name, path=None):
    """A new top-level collection, added last. `Collection.add_child()` keeps siblings sorted
    by name and so rewrites the path of every collection after the new one: with hundreds of
    organizations that is hundreds of UPDATEs per onboarding. The admin sorts them anyway."""
    root = Collection.get_first_root_node()
    if path is None:
        path = reserved_paths(Collection, root, 1)[0]
        Collection.objects.filter(pk=root.pk).update(numchild=F("numchild") + 1)
    # else reserved beforehand (bulk.py): the root's numchild is counted after the run
    return Collection.objects.create(name=name, path=path, depth=root.depth + 1, numchild=0)


# The reconcile step --------------------------------------------------------------------------


def ensure_editors_group(organization, result):
    if organization.editors_group_id:
        return organization.editors_group
    name = editors_group_name(organization)
    group, created = Group.objects.get_or_create(name=name)
    if created:
        result.created.append(f"группа «{name}»")
    group.permissions.add(*permissions_for(EDITOR_GLOBAL_PERMISSIONS))
    organization.editors_group = group
    return group


def _bring_back_tree(home, result):
    """Publish again what offboarding took off line (pages that had been published)."""
    tree = Page.objects.descendant_of(home, inclusive=True)
    count = tree.filter(live=False, first_published_at__isnull=False).update(live=True)
    if count:
        result.created.append(f"опубликовано снова: {count} стр.")


@transaction.atomic
def onboard(organization, *, hostname=None, editors=(), user=None, template=None, slot=None):
    """Create (or complete) everything that follows from the registry for `organization`.

    Validates first and raises ValidationError with a one-line Russian message, changing
    nothing; otherwise all of it is one transaction. A bulk run passes one `template`
    snapshot (TemplateSnapshot.take()) for all its organizations, and with parallel workers
    a `slot` (bulk.py): tree positions reserved for its home page and collection."""
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
        organization.home_page = copy_template_tree(
            organization,
            user=user,
            template=template,
            home_path=slot.home_path if slot else None,
        )
        result.created.append("дерево страниц из шаблона")
    elif organization.site_id is None:
        _bring_back_tree(organization.home_page, result)
    ensure_directory_page(organization, result, user=user)
    ensure_site_pages(organization, result, user=user)

    if organization.site_id is None:
        site = Site.objects.create(
            hostname=full_hostname,
            port=settings.PLATFORM_SITE_PORT,
            root_page=organization.home_page,
            site_name=organization.short_name,
            # The regional organization without a hostname of its own: on the base domain.
            is_default_site=full_hostname == settings.PLATFORM_BASE_DOMAIN,
        )
        organization.site = site
        result.created.append(f"сайт {site.root_url}/")

    if organization.collection_id is None:
        collection = append_collection(
            editors_group_name(organization), path=slot.collection_path if slot else None
        )
        organization.collection = collection
        result.created.append(f"коллекция «{collection.name}»")

    group = ensure_editors_group(organization, result)
    # The links to what was derived, in one write that neither re-indexes the registry entry
    # for search nor looks like a registry edit (no signals): none of them is a registry fact.
    Organization.objects.filter(pk=organization.pk).update(
        **{name: getattr(organization, name) for name in DERIVED_LINKS}
    )
    freshness_summary.refresh([organization.pk])
    if reconcile_rights(organization):
        result.created.append("права группы редакторов")
    if reconcile_parent_rights(organization):
        result.created.append("права вышестоящей организации")

    for email in emails:
        account = editor_account(email)
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
    freshness_summary.refresh([organization.pk])
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
