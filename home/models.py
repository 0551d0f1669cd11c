from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site
from wagtail.search import index

from home.blocks import RICH_TEXT_FEATURES, BodyBlock
from home.listing import unrestricted
from news.flow import OrganizationsFeed, feeds_organizations, site_organization
from news.models import NewsIndexPage, NewsPage
from reports.models import PublicReportPage

HOME_NEWS_COUNT = 4
HOME_ORGANIZATIONS_NEWS_COUNT = 4


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
        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = NewsPage.objects.for_listing(self, shown_on=self)[:HOME_NEWS_COUNT]
        news_index = unrestricted(NewsIndexPage.objects.live().child_of(self), self).first()
        context["news_index"] = news_index
        if feeds_organizations(site_organization(request)):
            # «Новости организаций»: the latest news the organizations below flagged for their
            # parent (news/flow.py); on a regional site, those of all its organizations.
            feed = OrganizationsFeed(Site.find_for_request(request))
            context["organizations_news"] = feed.label(
                feed.news(NewsPage.objects)[:HOME_ORGANIZATIONS_NEWS_COUNT], request
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
