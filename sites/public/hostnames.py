"""Which site a request is for, found without a query on most requests.

Wagtail finds the site of every request by its hostname with a query of its own (sites ordered
by how well they match, `wagtail.models.sites.get_site_for_hostname`): the costliest of a page
view's queries to build. Its answer for a site's own hostname is kept here with the site
chrome (directory/chrome.py), whose generation any site change renews; any other hostname
(the default site's fallback, an alias) is left to Wagtail every time, so that no answer is
kept under a hostname no site has, and the cache does not grow with what visitors send.

With a cache every process shares (Redis), the site is kept with its home page, specific,
which Wagtail's routing starts from: a page published, moved or deleted anywhere renews it,
as it does the chrome."""

import re
from contextlib import suppress

from django.db import DatabaseError

from home.kept import CONTENT_TIMEOUT, kept_for_network, one_generation_a_request, shared_cache
from sites.pagecache.middleware import PRIVATE_PREFIXES
from sites.patches.internals import find_site, raw_hostname

HOSTNAME_RE = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?")


def site_for_request(request):
    """The site Wagtail would find for `request` (`Site.find_for_request`), or None."""
    hostname = raw_hostname(request)
    port = request.get_port()
    if not (HOSTNAME_RE.fullmatch(hostname) and port.isdigit()):
        return find_site(request)

    found = []  # what Wagtail found, when it was asked

    def find():
        found.append(find_site(request))
        site = found[0]
        if site is None or site.hostname != hostname:
            return None
        if shared_cache():
            # Its home page as Wagtail's routing asks for it (`root_page.localized.specific`,
            # a query for the specific page), renewed as the site is, on any publish: only
            # where every process hears of it, or another could serve an old version.
            site.root_page = site.root_page.specific
        return site

    # Kept with its home page's content: no longer than that may serve (home.kept).
    site = kept_for_network(f"site-for:{hostname}:{port}", find, CONTENT_TIMEOUT)
    return site if site is not None or not found else found[0]


def _for_readers(request):
    """A reader's request: GET or HEAD, not the admin's nor any other private path. Editors'
    requests find the site as Wagtail does, never with a home page kept from an earlier
    view, which their edits (drafts start no generation) could have changed."""
    return request.method in ("GET", "HEAD") and not request.path_info.startswith(PRIVATE_PREFIXES)


class SiteByHostnameMiddleware:
    """Finds the request's site (`site_for_request`) where Wagtail's `Site.find_for_request`
    will look for it, on the request; what is kept is of the generation the request found
    first (home.kept.one_generation_a_request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with one_generation_a_request():
            if not hasattr(request, "_wagtail_site") and _for_readers(request):
                # The database down: left to whatever needs the site (the outage's 503
                # page, /healthz/ which needs none).
                with suppress(DatabaseError):
                    request._wagtail_site = site_for_request(request)
            return self.get_response(request)
