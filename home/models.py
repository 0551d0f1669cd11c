from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.search import index

from .blocks import RICH_TEXT_FEATURES, BodyBlock

HOME_NEWS_COUNT = 4
HOME_ORGANIZATIONS_NEWS_COUNT = 4


def unrestricted(pages, shown_on=None):
    """`pages` without those an anonymous visitor could not open: the ones under a view
    restriction (Wagtail's PageViewRestriction: a password, a login or groups) on the page
    itself or on an ancestor. For every listing of pages: news, feeds, the news flow, the
    home page's blocks, the site's menu.

    Wagtail's `public()` means the same, but lists the restrictions in a query of its own;
    here they are a subquery of the listing's own query, so a listing costs the same number
    of queries with or without restrictions, however many there are. (The search keeps
    `public()`: a search backend takes plain field filters only.)

    `shown_on`: the page the listing is part of, if it is one. Whoever sees that page has
    passed the restrictions on it and its ancestors (Wagtail checks them before serving it),
    so those do not hide what it lists: a members-only news index shows its news to the
    members. Any other restriction still does. Leave it out for what is not a page view
    (the feed, the cached site chrome, which error pages and the search show too)."""
    # A restriction on the page or an ancestor: its page's path is a prefix of the page's.
    restrictions = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    if shown_on is not None:
        steplen = Page.steplen
        passed = [shown_on.path[:end] for end in range(steplen, len(shown_on.path) + 1, steplen)]
        restrictions = restrictions.exclude(page__path__in=passed)
    return pages.exclude(Exists(restrictions))


class HomePage(Page):
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
    ]
    template = "home/home_page.html"

    class Meta:
        verbose_name = _("site home page")
        verbose_name_plural = _("site home pages")

    def get_context(self, request, *args, **kwargs):
        from news.flow import OrganizationsFeed, feeds_organizations, site_organization
        from news.models import NewsIndexPage, NewsPage
        from reports.models import PublicReportPage

        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = NewsPage.objects.for_listing(self, shown_on=self)[:HOME_NEWS_COUNT]
        news_index = unrestricted(NewsIndexPage.objects.live().child_of(self), self).first()
        context["news_index"] = news_index
        if feeds_organizations(site_organization(request)):
            # «Новости организаций»: the latest news the organizations below flagged for their
            # parent (news/flow.py); on a regional site, those of all its organizations.
            feed = OrganizationsFeed(Site.find_for_request(request))
            context["organizations_news"] = feed.label(
                feed.news()[:HOME_ORGANIZATIONS_NEWS_COUNT], request
            )
            if news_index is not None:
                context["organizations_news_url"] = news_index.organizations_news_url(request)
        context["latest_report"] = (
            unrestricted(PublicReportPage.objects.live().descendant_of(self), self)
            .select_related("document")
            .defer_streamfields()
            .order_by("-year")
            .first()
        )
        return context


class StandardPage(Page):
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]
    template = "home/standard_page.html"

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")
