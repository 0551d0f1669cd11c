"""The default sections of the site template, and publishing pages made by the platform
(onboarding copies the template with these; the demo adds its news with them)."""

from dataclasses import dataclass

from django.utils import timezone
from wagtail.models import Page, Revision

from directory.models import ContactsPage
from home.models import StandardPage
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
