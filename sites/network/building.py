"""The default sections of the site template, and publishing pages made by the platform
(onboarding copies the template with these; the demo adds its news with them)."""

from dataclasses import dataclass

from django.db.models import Count, F, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.models import Page, Revision

from directory.models import ContactsPage
from home.models import StandardPage
from news.models import NewsIndexPage
from reports.models import ReportIndexPage
from sites.patches.internals import next_child_path

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
        {"body": [("paragraph", HOW_TO_JOIN_TEXT), ("application_form", None)]},
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


def add_child(parent, page, *, clean=True, path=None):
    """`parent.add_child(instance=page)`, optionally without `full_clean()`: for copies of
    pages that were validated when they were saved (the site template's), whose slugs are
    unique under a parent made in the same step. Same path and numchild rules as treebeard.

    `path`: a position reserved for the page beforehand (`reserved_paths()`), for pages
    added under one parent by several processes at once: its `numchild` is then left to the
    one who reserved (`count_children()`), since updating it would hold every other adder
    until this transaction ends."""
    if clean and path is None:
        return parent.add_child(instance=page)
    page.depth = parent.depth + 1
    if path is None:
        page.path = reserved_paths(Page, parent, 1)[0]
        Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + 1)
        parent.numchild += 1
    else:
        page.path = path
    page._cached_parent_obj = parent
    page.save(clean=clean)
    return page


def reserved_paths(model, parent, count):
    """The tree paths of `count` new last children of `parent` (a Page or a Collection), in
    order, for `add_child(path=…)` and the like; nothing is written."""
    last = model.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    last = last.order_by("-path").only("path").first()
    paths = []
    for _ in range(count):
        path = next_child_path(model, parent, last)
        paths.append(path)
        last = model(path=path, depth=parent.depth + 1)
    return paths


def count_children(model, parent):
    """Set `parent`'s numchild from its children (after adding with reserved paths)."""
    children = model.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    count = children.order_by().values("depth").annotate(n=Count("pk")).values("n")
    model.objects.filter(pk=parent.pk).update(numchild=Coalesce(Subquery(count), 0))


def add_published_child(parent, page, *, user=None, at=None, clean=True, path=None):
    """Add a new page under `parent`, published at `at` (default: now), with one revision.

    Leaves the page as `save_revision().publish()` would, with one save of the page instead
    of three: building a site publishes dozens of pages, and each save re-indexes the page for
    search and references. No log entry is written, as for any page the platform makes."""
    at = at or timezone.now()
    page.live = True
    page.has_unpublished_changes = False
    page.first_published_at = page.last_published_at = at
    return _add_with_revision(
        parent, page, user=user, at=at, clean=clean, published=True, path=path
    )


def add_draft_child(parent, page, *, user=None, at=None, clean=True):
    """Add a new page under `parent`, never published, with one revision: as a new page
    saved as a draft in the admin is (`save_revision()`), with one save of the page."""
    page.live = False
    page.has_unpublished_changes = True
    return _add_with_revision(
        parent, page, user=user, at=at or timezone.now(), clean=clean, published=False
    )


def _add_with_revision(parent, page, *, user, at, clean, published, path=None):
    page.owner = user
    page.latest_revision_created_at = at
    page.draft_title = page.title
    add_child(parent, page, clean=clean, path=path)
    revision = Revision.objects.create(
        content_object=page,
        base_content_type=page.get_base_content_type(),
        user=user,
        content=page.serializable_data(),
        object_str=str(page),
        created_at=at,
    )
    page.latest_revision = revision
    links = {"latest_revision": revision}
    if published:
        page.live_revision = links["live_revision"] = revision
    Page.objects.filter(pk=page.pk).update(**links)
    return page
