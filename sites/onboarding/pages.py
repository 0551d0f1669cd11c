"""Pages every site of a kind has that are not copied from the site template: made once by
onboarding under the home page, then left as the editors keep them (live or not). Their
content comes from the registry when they are served, so there is nothing to keep in step."""

from django.db import transaction
from wagtail.signal_handlers import disable_reference_index_auto_update

from directory.models import DirectoryPage, Organization
from events.models import EventIndexPage
from home.search_index import index_in_batches, per_save_indexing_paused
from library.models import DOCUMENTS_SLUG, DOCUMENTS_TITLE, DocumentsPage
from privacy.models import POLICY_SLUG, POLICY_TITLE, PrivacyPolicyPage
from sites.network.building import add_published_child

EVENTS_TITLE = "События"
EVENTS_SLUG = "sobytiya"
DIRECTORY_PAGE_TITLE = "Организации профсоюза"
DIRECTORY_PAGE_SLUG = "organizatsii"


def _ensure_child(home, page, result, user, taken=None):
    """Publish `page` under `home` unless a page of its type is there, on a free slug.
    `taken`: the slugs of the home page's children, when the caller has read them."""
    if taken is None:
        if type(page).objects.child_of(home).exists():
            return False
        taken = set(home.get_children().values_list("slug", flat=True))
    base, n = page.slug, 2
    while page.slug in taken:
        page.slug, n = f"{base}-{n}", n + 1
    # Dated as the site's launch: a page the platform adds is not an update by its editors
    # (sites/freshness/), whether the site is new or made years ago.
    add_published_child(home, page, user=user, at=home.first_published_at, clean=False)
    taken.add(page.slug)
    result.created.append(f"страница «{page.title}»")
    return page


def ensure_directory_page(organization, result, *, user=None):
    """Regional and territorial sites list the organizations below them (`DirectoryPage`, in
    the menu). Primary organizations have none."""
    if organization.kind == Organization.Kind.PRIMARY or organization.home_page_id is None:
        return
    page = DirectoryPage(title=DIRECTORY_PAGE_TITLE, slug=DIRECTORY_PAGE_SLUG, show_in_menus=True)
    _ensure_child(organization.home_page, page, result, user)


def ensure_policy_page(organization, result, *, user=None, taken=None):
    """Every site has its personal data policy (152-ФЗ), linked from its footer, not in the
    menu: the network's text, with the organization as the operator (privacy/models.py)."""
    if organization.home_page_id is None:
        return
    page = PrivacyPolicyPage(title=POLICY_TITLE, slug=POLICY_SLUG, show_in_menus=False)
    return _ensure_child(organization.home_page, page, result, user, taken)


def ensure_events_index(organization, result, *, user=None, taken=None):
    """Every site has «События» (events/), in the menu."""
    if organization.home_page_id is None:
        return
    page = EventIndexPage(title=EVENTS_TITLE, slug=EVENTS_SLUG, show_in_menus=True)
    return _ensure_child(organization.home_page, page, result, user, taken)


def ensure_documents_page(organization, result, *, user=None, taken=None):
    """Every site has «Документы» (library/), in the menu: its own documents and those the
    organizations above send to the structure."""
    if organization.home_page_id is None:
        return
    page = DocumentsPage(title=DOCUMENTS_TITLE, slug=DOCUMENTS_SLUG, show_in_menus=True)
    return _ensure_child(organization.home_page, page, result, user, taken)


# What every site has, made by `ensure_site_pages()`: (the page type, the function making it).
EVERY_SITE = (
    (PrivacyPolicyPage, ensure_policy_page),
    (EventIndexPage, ensure_events_index),
    (DocumentsPage, ensure_documents_page),
)


def ensure_site_pages(organization, result, *, user=None):
    for _, ensure in EVERY_SITE:
        ensure(organization, result, user=user)


def complete_sites(**kwargs):
    """Give every site the pages of `EVERY_SITE` it lacks (a `post_migrate` receiver: an
    upgrade that adds such a page gives it to the sites made before). A query per page type
    to find them, one for the slugs under their home pages; each organization's pages in a
    transaction of its own; indexed for search in batches at the end, as onboarding does."""
    sites = Organization.objects.filter(site__isnull=False, home_page__isnull=False)
    homes = dict(sites.values_list("home_page__path", "pk"))
    missing = {}  # organization id -> the page types it lacks
    for model, ensure in EVERY_SITE:
        having = {path[: -model.steplen] for path in model.objects.values_list("path", flat=True)}
        for path, pk in homes.items():
            if path not in having:
                missing.setdefault(pk, []).append(ensure)
    if not missing:
        return 0
    models = [model for model, _ in EVERY_SITE]
    made = []
    with disable_reference_index_auto_update(), per_save_indexing_paused(*models):
        for organization in Organization.objects.filter(pk__in=missing).select_related("home_page"):
            home = organization.home_page
            with transaction.atomic():
                taken = set(home.get_children().values_list("slug", flat=True))
                for ensure in missing[organization.pk]:
                    page = ensure(organization, _Result(), taken=taken)
                    if page:
                        made.append(page)
    index_in_batches(made)
    return len(missing)


class _Result:
    """What `ensure_site_pages()` reports, dropped: nobody reads it after a migration."""

    def __init__(self):
        self.created = []
