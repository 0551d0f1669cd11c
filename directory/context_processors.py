from contextlib import suppress

from django.core.cache import cache
from django.db import transaction
from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

GENERATION_KEY = "site-chrome:generation"
TIMEOUT = 24 * 60 * 60


class SiteChrome:
    """What every public page's header and footer show about the site's organization:
    its name and branding, its parent organization's site, its contacts and its sections.

    Built in a fixed number of queries and kept in the cache per site, so a page view costs
    none of them; any publish, move, delete, registry or branding change anywhere starts a new
    generation (`invalidate()`): a rare event next to page views, and a rebuild is cheap."""

    def __init__(self, site):
        from sites.models import SiteBranding

        from .models import ContactsPage, organization_for_site

        self.site = site
        self.organization = organization_for_site(site)
        self.root_page = site.root_page if site else None
        parent = self.organization.parent if self.organization else None
        self.parent_organization = parent
        self.parent_url = parent.site.root_url + "/" if parent and parent.site_id else ""
        self.tagline = ""
        self.logo = None  # (url, width, height) of the logo's rendition
        if self.root_page is not None:
            self.contacts = ContactsPage.for_site_root(self.root_page)
            self.sections = list(
                self.root_page.get_children()
                .live()
                .in_menu()
                .only("title", "url_path", "path", "depth", "slug")
            )
            branding = SiteBranding.objects.filter(site=site).select_related("logo").first()
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
    def for_site(cls, site):
        if site is None:
            return cls(None)
        generation = cache.get_or_set(GENERATION_KEY, 1, None)
        key = f"site-chrome:{site.pk}:{generation}"
        chrome = cache.get(key)
        if chrome is None:
            chrome = cls(site)
            cache.set(key, chrome, TIMEOUT)
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
    return {"site_chrome": SimpleLazyObject(lambda: _chrome_for(request))}


def _chrome_for(request):
    if not hasattr(request, "_site_chrome"):
        request._site_chrome = SiteChrome.for_site(Site.find_for_request(request))
    return request._site_chrome
