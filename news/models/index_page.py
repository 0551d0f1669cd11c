"""A site's news section: its own news, by tag or year, and «Новости организаций»."""

from django.db import models
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page

from directory.chrome import chrome_for_request
from home.listing import PER_PAGE, listing_slots, listing_values, paginate, with_urls_below
from home.prepared import Prepared
from home.serving import ChildrenOfOneType, ViewRestrictionsInOneQuery
from news.flow import OrganizationsFeed, feeds_organizations, site_organization
from news.models.news_page import (
    ORGANIZATIONS_ROUTE,
    ORGANIZATIONS_SLUG,
    NewsPage,
    listing_under,
)


def year_from(value):
    """A year from the query string, or None: a date lookup outside 1..9999 would fail."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 1 <= year <= 9999 else None


class Unfiltered:
    """The index's news, neither by tag nor by year, for the paginator: a page of it is
    `listing_under()`'s prepared query (the paginator is told the count). Always a whole
    page's worth is asked for, so that the last pages of every index share one compiled
    query (a shape of their own each, otherwise)."""

    def __init__(self, index, per_page=PER_PAGE):
        self.index = index
        self.per_page = per_page

    def __getitem__(self, window):
        if not isinstance(window, slice) or window.step or window.start is None:
            raise TypeError("a page of the listing: items[start:stop]")
        stop = window.start + max(self.per_page, window.stop - window.start)
        items = listing_under(self.index, self.index, window.start, stop)
        return items[: window.stop - window.start]


_PER_YEAR = Prepared(
    lambda passed: (
        NewsPage.objects.live()
        .filter(listing_slots(passed))
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(count=Count("pk"))
        .order_by("-year")
        .values_list("year", "count")
    )
)


class NewsIndexPage(RoutablePageMixin, ChildrenOfOneType, ViewRestrictionsInOneQuery, Page):
    """A site's news, paginated, filtered by one tag (`?tag=`) or one year (`?year=`) at a
    time, with the years that have news as an archive.

    On the sites of territorial and regional organizations it also serves «Новости
    организаций» at a sub-URL (`organizatsiy/`): the news the organizations below flag for
    their parent (news/flow.py). A route of this page rather than a page of its own, so that
    no editor has to create it and no site can have it twice; on a primary organization's
    site there is no such list and the URL answers 404."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsPage"]
    max_count_per_parent = 1
    template = "news/news_index_page.html"
    child_model = NewsPage  # a news item is served with its image in one query
    child_related = ("main_image",)

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # One query for the archive and the paginator's count: the years that have live news
        # listed here, with how many each has.
        passed, values = listing_values(self, self)
        per_year = dict(_PER_YEAR((passed,), **values))
        years = list(per_year)
        tag = request.GET.get("tag", "").strip()
        year = None if tag else year_from(request.GET.get("year"))
        count = sum(per_year.values())
        news = Unfiltered(self)  # the prepared query of the whole listing
        if tag:
            news = NewsPage.objects.for_listing(self, shown_on=self).filter(tags__name=tag)
            count = None  # counted by the paginator
        elif year is not None:
            news = NewsPage.objects.for_listing(self, shown_on=self).filter(date__year=year)
            count = per_year.get(year, 0)
        context.update(paginate(news, request, count=count))
        index_url = self.get_url(request)
        page_obj = context["page_obj"]
        page_obj.object_list = with_urls_below(page_obj.object_list, self, index_url)
        context.update(index_url=index_url, current_tag=tag, current_year=year, years=years)
        if feeds_organizations(site_organization(request)):
            context["organizations_news_url"] = self.organizations_news_url(request)
        return context

    def organizations_news_url(self, request=None):
        return self.get_url(request) + self.reverse_subpage(ORGANIZATIONS_ROUTE)

    @path("")
    def index(self, request):
        return self.render(request)

    @path(f"{ORGANIZATIONS_SLUG}/", name=ORGANIZATIONS_ROUTE)
    def organizations_news(self, request):
        """All of «Новости организаций», paginated (the home page shows the latest few)."""
        if not feeds_organizations(site_organization(request)):
            raise Http404
        feed = OrganizationsFeed(chrome_for_request(request))
        context = super().get_context(request)  # the page, without this index's own news
        context.update(paginate(feed.news(NewsPage.objects), request))
        context["page_obj"].object_list = feed.label(context["page_obj"].object_list, request)
        context["news_index_url"] = self.get_url(request)
        return TemplateResponse(request, "news/organizations_news.html", context)
