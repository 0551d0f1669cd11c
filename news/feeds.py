"""RSS 2.0 feed of a site's news: `/feed/` on each hostname, `/feed/?tag=…`
for one tag. Links are absolute, on the site's own hostname, so a feed reader or a
correspondent reposting to the regional resources lands on the original."""

from dataclasses import dataclass
from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext as _
from wagtail.models import Site

from directory.chrome import chrome_for_request
from home.listing import unrestricted

from .models import NewsIndexPage, NewsPage

FEED_ITEMS = 20


@dataclass
class FeedSource:
    site: Site
    title: str
    link: str
    tag: str


class NewsFeed(Feed):
    feed_type = Rss201rev2Feed

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request):
        site = Site.find_for_request(request)
        if site is None:
            raise Http404
        index = unrestricted(NewsIndexPage.objects.live().child_of(site.root_page)).first()
        home_url = site.root_page.get_full_url(request)
        return FeedSource(
            site=site,
            title=chrome_for_request(request).title,
            link=index.get_full_url(request) if index else home_url,
            tag=request.GET.get("tag", "").strip()[:100],
        )

    def title(self, source):
        title = _("News") + " — " + source.title
        return f"{title} · {source.tag}" if source.tag else title

    def link(self, source):
        return source.link

    def description(self, source):
        return self.title(source)

    def items(self, source):
        # Not a page view: no restriction is passed, the feed is what anyone may read.
        news = NewsPage.objects.for_listing(source.site.root_page)
        if source.tag:
            news = news.filter(tags__name=source.tag)
        return news[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_guid(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        # The news date is what readers see; publication time orders news of the same day.
        published = item.first_published_at
        if published and timezone.localdate(published) == item.date:
            return published
        return timezone.make_aware(datetime.combine(item.date, time(12)))

    def item_categories(self, item):
        return item.listed_tags
