"""Which answers the page cache may keep, and their tags.

An answer is public, for `PAGE_CACHE_SECONDS` in a shared cache (`s-maxage`; browsers
revalidate, `max-age=0`), when it is the answer to an anonymous GET or HEAD of a public path:
no session cookie came with the request, the answer sets no cookie, it is a page, a redirect
or a not-found, and the view did not decide its caching itself (the admin, the accessibility
toggle and the documents do). Everything else is `private`. The Varnish configuration
(deploy/varnish/profsites.vcl) applies the same rules from its side, so neither alone lets a
personal answer into the cache.

Each public answer carries its tags in `xkey` (sites/pagecache/tags.py), which Varnish keeps
for purging and does not pass on to readers.
"""

from django.conf import settings
from django.utils.cache import patch_cache_control
from wagtail.models import Site

from . import purge, tags

CACHEABLE_STATUS = {200, 301, 404, 410}
PRIVATE_PREFIXES = ("/admin/", "/documents/", "/account/", "/a11y/", "/healthz/", "/_util/")


def add_tags(request, new_tags):
    """Add cache tags to the answer to `request` (views and hooks call this)."""
    if hasattr(request, "cache_tags"):
        request.cache_tags.update(new_tags)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        if purge.purge_urls():
            purge.sender()  # this process also retries what others left behind

    def __call__(self, request):
        request.cache_tags = set()
        response = self.get_response(request)
        if "Cache-Control" in response:  # the view decided (never_cache, no-store, …)
            return response
        if self.is_public(request, response):
            patch_cache_control(
                response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_SECONDS
            )
            response["xkey"] = " ".join(sorted(self.tags(request, response)))
        else:
            patch_cache_control(response, private=True)
        return response

    @staticmethod
    def is_public(request, response):
        return (
            request.method in ("GET", "HEAD")
            and response.status_code in CACHEABLE_STATUS
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not response.cookies
            and not request.path_info.startswith(PRIVATE_PREFIXES)
            and not getattr(response, "streaming", False)
        )

    @staticmethod
    def tags(request, response):
        found = {tags.ALL, *request.cache_tags}
        site = getattr(request, "_wagtail_site", None)
        if site is None:
            site = Site.find_for_request(request)
        if site is not None:
            found.add(tags.site_tag(site.pk))
            if response.status_code in (404, 410):  # a page published there may fill it
                found.add(tags.listing_tag(site.pk))
            match = getattr(request, "resolver_match", None)
            if match is not None:
                found |= tags.for_view(match.url_name, site)
        return found
