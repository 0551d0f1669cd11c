from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import Page, Site

from directory.models import ContactsPage, organization_for_site
from home.kept import CONTENT_TIMEOUT, current_generation, kept, shared_cache
from home.kept import key as kept_key
from home.listing import unrestricted_condition


@dataclass(frozen=True)
class Link:
    """A page the chrome links to, with its URL on the site worked out when the chrome is
    built rather than on every page view."""

    pk: int
    title: str
    url: str
    url_path: str


def _content_type_id(app_label, model):
    """A page type's content type id, by name: the page apps above the registry are not
    imported here (ContentType's manager keeps it in the process after the first query)."""
    try:
        return ContentType.objects.get_by_natural_key(app_label, model).pk
    except ContentType.DoesNotExist:
        return None


def _url(page, site):
    """The page's URL as seen from `site` (relative there), as `{% pageurl %}` gives it."""
    url = page.get_url(current_site=site)
    # Wagtail keeps the site root paths it looked up on the page: not in the cached chrome.
    page.__dict__.pop("_wagtail_cached_site_root_paths", None)
    return url


class SiteChrome:
    """What every public page's header and footer show about the site's organization:
    its name and branding, its parent organization's site, its contacts and its sections
    (with their URLs), the footer itself rendered, and the home page's children by slug, for
    routing.

    Built in a fixed number of queries and kept in the cache per site and language, so a page
    view costs none of them; any publish, move, delete, registry, site, branding or restriction
    change anywhere starts a new generation (`invalidate()`): a rare event next to page views,
    and a rebuild is cheap. What else depends on those only can be kept with it (`kept()`)."""

    generation = None  # of the cache it is kept in (`for_site()`)

    def __init__(self, site, language_code=None):
        self.site = site
        self.organization = organization_for_site(site)
        self.root_page = site.root_page if site else None
        if self.root_page is not None and language_code:
            # The site in another language (wagtail-localize): its home page's translation
            self.root_page = (
                Page.objects.live()
                .filter(
                    translation_key=self.root_page.translation_key,
                    locale__language_code=language_code,
                )
                .first()
                or self.root_page
            )
        parent = self.organization.parent if self.organization else None
        self.parent_organization = parent
        self.parent_url = parent.site.root_url + "/" if parent and parent.site_id else ""
        # Is the site published in another language too? (No query per page where it isn't.)
        self.translated = bool(
            self.root_page is not None
            and Page.objects.live()
            .filter(translation_key=self.root_page.translation_key)
            .exclude(pk=self.root_page.pk)
            .exists()
        )
        self.tagline = self.metrica_counter = self.policy_url = ""
        self.logo = None  # (url, width, height) of the logo's rendition
        self.root_url = self.contacts_url = ""
        self.children = {}
        if self.root_page is not None:
            self.root_url = _url(self.root_page, site)
            self.contacts = ContactsPage.for_site_root(self.root_page)
            if self.contacts is not None:
                self.contacts_url = _url(self.contacts, site)
            # The home page's live children, in one query: by slug for routing (`child()`);
            # those in the menu are the sections, but none under a view restriction: the
            # chrome is the same for every visitor (and shows on error pages and the search
            # too), so none has passed one.
            children = (
                self.root_page.get_children()
                .live()
                .annotate(unrestricted=unrestricted_condition())
                .only("title", "url_path", "slug", "show_in_menus", "content_type")
            )
            self.sections = []
            policy_type = _content_type_id("privacy", "privacypolicypage")
            for page in children:
                self.children[page.slug] = (page.pk, page.content_type_id)
                if page.show_in_menus and page.unrestricted:
                    self.sections.append(Link(page.pk, page.title, _url(page, site), page.url_path))
                if page.content_type_id == policy_type and page.unrestricted:
                    self.policy_url = _url(page, site)  # linked from every footer
            # The network's branding setting, found by name (the registry sits below the network).
            branding_model = settings_registry.get_by_natural_key("sites", "sitebranding")
            branding = branding_model.objects.filter(site=site).select_related("logo").first()
            if branding is not None:
                self.tagline = branding.tagline
                self.metrica_counter = branding.metrica_counter
                if branding.logo is not None:
                    rendition = branding.logo.get_rendition("height-80|format-webp")
                    self.logo = (rendition.url, rendition.width, rendition.height)
        else:
            self.contacts = None
            self.sections = []
        # The footer shows nothing but the chrome (and the year): rendered here, once.
        with translation.override(language_code or settings.LANGUAGE_CODE):
            self.footer = render_to_string("includes/footer_chrome.html", {"site_chrome": self})

    def child(self, parent, slug):
        """The live child page of the site's home page `parent` at `slug`, specific, in one
        query (Wagtail's routing takes two: the page, then its type); None if the chrome
        does not know it, for Wagtail to look it up. The query checks the parent and the
        slug again, so a chrome built before a change can't route to the wrong page.

        With a cache every process shares, the page is kept with the chrome (as the home page
        is with its site, sites/public/hostnames.py): a site's sections are few and most
        viewed, and any publish renews them; else every process could serve an old version."""
        if self.root_page is None or parent.pk != self.root_page.pk or slug not in self.children:
            return None
        pk, content_type_id = self.children[slug]
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            return None

        def find():
            return model.objects.child_of(parent).filter(pk=pk, slug=slug, live=True).first()

        if shared_cache():
            return self.kept(f"child:{parent.pk}:{slug}", find, CONTENT_TIMEOUT)
        return find()

    @property
    def title(self):
        if self.organization:
            return self.organization.short_name
        return self.root_page.title if self.root_page else ""

    @classmethod
    def for_site(cls, site, language_code=None):
        """The chrome of `site`, in the language of its pages being shown (None: the default)."""
        if site is None:
            return cls(None)
        if language_code == settings.LANGUAGE_CODE:
            language_code = None
        generation = current_generation()

        def build():
            chrome = cls(site, language_code)
            chrome.generation = generation
            return chrome

        return kept(_key(site, language_code or "-", generation), build)

    def kept(self, name, build, seconds=None):
        """`build()`, kept in the cache as this chrome is: for its site under `name`, until
        the next generation or the chrome's timeout. For what depends only on what renews
        the chrome (pages published, moved or deleted, the registry, sites, branding, view
        restrictions); one cache read, the generation being the chrome's own."""
        if self.site is None:
            return build()
        return kept(_key(self.site, name, self.generation), build, seconds)


def _key(site, name, generation):
    return kept_key(site.pk, name, generation)


def organization(request):
    return {"site_chrome": SimpleLazyObject(lambda: chrome_for_request(request))}


def chrome_for_request(request):
    """The chrome of the site and language serving `request`, built at most once a request."""
    if not hasattr(request, "_site_chrome"):
        request._site_chrome = SiteChrome.for_site(Site.find_for_request(request), get_language())
    return request._site_chrome
