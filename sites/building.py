"""Building an organization's site: its page tree, its Wagtail `Site` and its media collection.

Sites follow from the registry (DESIGN.md): the `Site` hostname comes from
`Organization.full_hostname()`, the contacts page from the registry's contacts. Every site
tree is flat: its `HomePage` is a child of the Wagtail root.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Collection, Page, Revision, Site

from directory.models import ContactsPage, Organization
from home.models import HomePage, StandardPage
from news.models import NewsIndexPage
from reports.models import ReportIndexPage

ABOUT_UNION_TEXT = (
    "<p>Профессиональный союз работников народного образования и науки Российской Федерации "
    "объединяет педагогов, работников образовательных организаций и студентов. Профсоюз "
    "защищает трудовые права и социально-экономические интересы своих членов, участвует в "
    "заключении коллективных договоров и соглашений, оказывает бесплатную правовую помощь.</p>"
)
HOW_TO_JOIN_TEXT = (
    "<p>Чтобы вступить в Профсоюз, напишите заявление на имя председателя первичной "
    "профсоюзной организации и заявление в бухгалтерию об удержании членских взносов "
    "(1 % заработной платы). Член Профсоюза получает правовую защиту, помощь в "
    "трудных ситуациях, доступ к программам оздоровления и отдыха.</p>"
)


@dataclass(frozen=True)
class SectionSpec:
    model: type
    title: str
    slug: str
    fields: dict


DEFAULT_SECTIONS = [
    SectionSpec(
        StandardPage,
        "О Профсоюзе",
        "o-profsoyuze",
        {"body": [("paragraph", ABOUT_UNION_TEXT)]},
    ),
    SectionSpec(
        StandardPage,
        "Как вступить в Профсоюз",
        "kak-vstupit",
        {"body": [("paragraph", HOW_TO_JOIN_TEXT)]},
    ),
    SectionSpec(NewsIndexPage, "Новости", "novosti", {}),
    SectionSpec(
        ReportIndexPage,
        "Публичные отчёты",
        "otchety",
        {"intro": "Ежегодные публичные отчёты о работе организации."},
    ),
    SectionSpec(ContactsPage, "Контакты", "kontakty", {}),
]


def site_port():
    return settings.PLATFORM_SITE_PORT


def home_slug(organization):
    return (organization.full_hostname() or organization.code).replace(".", "-")


@transaction.atomic
def create_default_site(organization: Organization, *, user=None) -> Site:
    """Create and publish the default tree, the `Site` and the media collection of an
    organization that has none yet. All or nothing: one transaction."""
    if organization.site_id:
        raise ValidationError(f"У организации «{organization}» уже есть сайт.")
    hostname = organization.full_hostname()
    if not hostname:
        raise ValidationError(f"Для организации «{organization}» не задан адрес сайта.")
    port = site_port()
    if Site.objects.filter(hostname=hostname, port=port).exists():
        raise ValidationError(f"Адрес {hostname} уже занят другим сайтом.")

    home = add_published_child(
        Page.get_first_root_node(),
        HomePage(
            title=organization.short_name,
            slug=home_slug(organization),
            intro="<p>Новости организации, публичные отчёты и контакты. Вступайте в Профсоюз — "
            "вместе мы сильнее!</p>",
        ),
        user=user,
    )
    for spec in DEFAULT_SECTIONS:
        fields = dict(spec.fields)
        if spec.model is ContactsPage:
            fields.update(organization.contact_defaults())
        add_published_child(
            home,
            spec.model(title=spec.title, slug=spec.slug, show_in_menus=True, **fields),
            user=user,
        )

    site = Site.objects.create(
        hostname=hostname,
        port=port,
        root_page=home,
        site_name=organization.short_name,
        is_default_site=organization.kind == Organization.Kind.REGIONAL,
    )
    organization.site = site
    organization.save(update_fields=["site"])
    collection_for(organization)
    return site


def collection_for(organization: Organization) -> Collection:
    """The organization's own media collection, created on first use."""
    if organization.collection_id:
        return organization.collection
    collection = Collection.get_first_root_node().add_child(
        name=f"{organization.short_name} ({organization.code})"
    )
    organization.collection = collection
    organization.save(update_fields=["collection"])
    return collection


def add_published_child(parent, page, *, user=None, at=None):
    """Add a new page under `parent`, published at `at` (default: now), with one revision.

    Leaves the page as `save_revision().publish()` would, in two writes instead of three:
    building a site publishes dozens of pages, and each write re-indexes the page. No log
    entry is written, as for any page made by the platform rather than by an editor."""
    at = at or timezone.now()
    page.owner = user
    page.live = True
    page.first_published_at = page.last_published_at = at
    parent.add_child(instance=page)
    revision = page.save_revision(user=user, log_action=False, clean=False)
    Revision.objects.filter(pk=revision.pk).update(created_at=at)
    Page.objects.filter(pk=page.pk).update(
        live_revision=revision, has_unpublished_changes=False, latest_revision_created_at=at
    )
    page.live_revision, page.has_unpublished_changes = revision, False
    page.latest_revision_created_at = at
    return page
