from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from directory.chrome import chrome_for_request
from home.blocks import RICH_TEXT_FEATURES, BodyBlock
from home.listing import listing_slots, listing_values, parent_url, unrestricted, with_urls_below
from home.prepared import Prepared
from home.serving import ViewRestrictionsInOneQuery
from home.site_roots import SiteRootDepth  # noqa: F401 (a model of this app)
from news.flow import HigherFeed, OrganizationsFeed, feeds_organizations, site_organization
from news.models import NewsIndexPage, NewsPage
from news.models.news_page import listing_under, load_for_cards
from reports.models import PublicReportPage

HOME_NEWS_COUNT = 4
HOME_ORGANIZATIONS_NEWS_COUNT = 4
HOME_HIGHER_NEWS_COUNT = 3


class HomePage(ViewRestrictionsInOneQuery, Page):
    """The root of one organization's site. Which organization is told by the registry
    (`Organization.site`), never stored twice on the page."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("image")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "home.StandardPage",
        "news.NewsIndexPage",
        "reports.ReportIndexPage",
        "directory.ContactsPage",
        "directory.DirectoryPage",
        "privacy.PrivacyPolicyPage",
        "webforms.FormPage",
        "events.EventIndexPage",
        "library.DocumentsPage",
    ]
    template = "home/home_page.html"

    class Meta:
        verbose_name = _("site home page")
        verbose_name_plural = _("site home pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        home_url = self.own_url(request)
        # The listings' queries are prepared (home/prepared.py), and their cards' renditions
        # loaded in one query for both.
        latest_news = listing_under(self, self, 0, HOME_NEWS_COUNT, cards=False)
        context["latest_news"] = with_urls_below(latest_news, self, home_url)
        organizations_news = []
        news_index_url, organizations_news_url = self.news_index_urls(request)
        context["news_index_url"] = news_index_url
        if feeds_organizations(site_organization(request)):
            # «Новости организаций»: the latest news the organizations below flagged for their
            # parent (news/flow.py); on a regional site, those of all its organizations.
            feed = OrganizationsFeed(chrome_for_request(request))
            organizations_news = feed.latest(HOME_ORGANIZATIONS_NEWS_COUNT, NewsPage.objects)
            context["organizations_news"] = feed.label(organizations_news, request)
            if organizations_news_url:
                context["organizations_news_url"] = organizations_news_url
        # «Новости вышестоящих организаций»: what the organizations above sent down.
        higher_news = HigherFeed(chrome_for_request(request)).latest(
            HOME_HIGHER_NEWS_COUNT, NewsPage.objects, request
        )
        context["higher_news"] = higher_news
        load_for_cards([*latest_news, *organizations_news, *higher_news], latest_news)
        report = self.latest_report()
        context["latest_report"] = report
        if report is not None:
            (report,) = with_urls_below([report], self, home_url)
            context["latest_report_url"] = getattr(report, "listing_url", None) or report.get_url(
                request
            )
            context["reports_url"] = parent_url(context["latest_report_url"])
        return context

    def latest_report(self):
        """The site's live public report of the latest year a visitor of this page may open,
        with what its card shows (a prepared query, home/prepared.py), or None."""
        passed, values = listing_values(self, self)
        found = _LATEST_REPORT((passed,), **values)
        return found[0] if found else None

    def own_url(self, request):
        """This page's URL as `{% pageurl %}` gives it: the site chrome's, which has it, when
        this is the home page the chrome is of (Wagtail would look the site up among every
        site's root paths)."""
        chrome = chrome_for_request(request)
        if chrome.root_page is not None and chrome.root_page.pk == self.pk and chrome.root_url:
            return chrome.root_url
        return self.get_url(request)

    def news_index_urls(self, request):
        """The URLs of the site's news index and of its «Новости организаций» ("" without a
        news index a visitor of this page may open), kept with the site chrome: only a page
        published, moved or deleted, or a restriction, changes them."""
        if not self.pk or getattr(request, "is_preview", False):
            return self._news_index_urls(request)
        chrome = chrome_for_request(request)
        return chrome.kept(f"news-index:{self.pk}", lambda: self._news_index_urls(request))

    def _news_index_urls(self, request):
        index = unrestricted(NewsIndexPage.objects.live().child_of(self), self).first()
        if index is None:
            return "", ""
        return index.get_url(request), index.organizations_news_url(request)

    def route(self, request, path_components):
        if path_components:
            # The site's sections in one query each, from the chrome's list of them.
            child = chrome_for_request(request).child(self, path_components[0])
            if child is not None:
                child._cached_parent_obj = self
                return child.route(request, path_components[1:])
        return super().route(request, path_components)


_LATEST_REPORT = Prepared(
    lambda passed: (
        PublicReportPage.objects.live()
        .filter(listing_slots(passed))
        .select_related("document")
        .only("title", "url_path", "year", "summary", "document")  # what the card shows
        .order_by("-year")[:1]
    )
)


class StandardPage(ViewRestrictionsInOneQuery, Page):
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage", "webforms.FormPage"]
    template = "home/standard_page.html"

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")
