from contextlib import suppress

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import Page, Site

from directory.models import ContactsPage, organization_for_site
from home.listing import unrestricted

GENERATION_KEY = "site-chrome:generation"


def _timeout():
    """A day in a cache shared by every process (Redis). A process-local cache can't hear of a
    change made in another process, so there the chrome is kept for a minute only."""
    backend = settings.CACHES["default"]["BACKEND"]
    return 60 if backend.endswith(("LocMemCache", "DummyCache")) else 24 * 60 * 60


class SiteChrome:
    """What every public page's header and footer show about the site's organization:
    its name and branding, its parent organization's site, its contacts and its sections.

    Built in a fixed number of queries and kept in the cache per site, so a page view costs
    none of them; any publish, move, delete, registry or branding change anywhere starts a new
    generation (`invalidate()`): a rare event next to page views, and a rebuild is cheap."""

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
        self.tagline = ""
        self.logo = None  # (url, width, height) of the logo's rendition
        if self.root_page is not None:
            self.contacts = ContactsPage.for_site_root(self.root_page)
            # Nothing under a view restriction: the chrome is the same for every visitor
            # (and shows on error pages and the search too), so none has passed one.
            self.sections = list(
                unrestricted(self.root_page.get_children().live().in_menu()).only(
                    "title", "url_path", "path", "depth", "slug"
                )
            )
            # The network's branding setting, found by name (the registry sits below the network).
            branding_model = settings_registry.get_by_natural_key("sites", "sitebranding")
            branding = branding_model.objects.filter(site=site).select_related("logo").first()
            if branding is not None:
                self.tagline = branding.tagline
                if branding.logo is not None:
                    rendition = branding.logo.get_rendition("height-80|format-webp")
                    self.logo = (rendition.url, rendition.width, rendition.height)
        else:
            self.contacts = None
            self.sections = []

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
        generation = cache.get_or_set(GENERATION_KEY, 1, None)
        key = f"site-chrome:{site.pk}:{language_code or '-'}:{generation}"
        chrome = cache.get(key)
        if chrome is None:
            chrome = cls(site, language_code)
            cache.set(key, chrome, _timeout())
        return chrome


def invalidate(**kwargs):
    """Start a new generation of every site's chrome (a signal receiver, or call it): now, and
    again when the transaction commits, so that a page view between the two can't keep what
    the transaction had not yet committed."""
    _next_generation()
    transaction.on_commit(_next_generation)


def _next_generation():
    with suppress(ValueError):  # no generation yet: the next page view starts one
        cache.incr(GENERATION_KEY)


def organization(request):
    return {"site_chrome": SimpleLazyObject(lambda: chrome_for_request(request))}


def chrome_for_request(request):
    """The chrome of the site and language serving `request`, built at most once a request."""
    if not hasattr(request, "_site_chrome"):
        request._site_chrome = SiteChrome.for_site(Site.find_for_request(request), get_language())
    return request._site_chrome
