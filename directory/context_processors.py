from django.utils.functional import SimpleLazyObject
from wagtail.models import Site


class SiteChrome:
    """What every public page's header and footer show about the site's organization:
    its name, its parent organization's site, its contacts and its sections. Loaded lazily,
    at most once per request, in a fixed number of queries."""

    def __init__(self, request):
        from .models import ContactsPage, organization_for_site

        self.site = Site.find_for_request(request)
        self.organization = organization_for_site(self.site)
        self.root_page = self.site.root_page if self.site else None
        parent = self.organization.parent if self.organization else None
        self.parent_organization = parent
        self.parent_url = parent.site.root_url + "/" if parent and parent.site_id else ""
        if self.root_page is not None:
            self.contacts = ContactsPage.for_site_root(self.root_page)
            self.sections = list(
                self.root_page.get_children()
                .live()
                .in_menu()
                .only("title", "url_path", "path", "depth", "slug")
            )
        else:
            self.contacts = None
            self.sections = []

    @property
    def title(self):
        if self.organization:
            return self.organization.short_name
        return self.root_page.title if self.root_page else ""


def organization(request):
    return {"site_chrome": SimpleLazyObject(lambda: _chrome_for(request))}


def _chrome_for(request):
    if not hasattr(request, "_site_chrome"):
        request._site_chrome = SiteChrome(request)
    return request._site_chrome
