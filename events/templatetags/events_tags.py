"""«Ближайшие события» on a home page: the site's own upcoming events and those the
organizations below flagged for it (news/flow.py's sources), nearest first: two queries,
kept a minute."""

from dataclasses import dataclass

from django import template
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from directory.chrome import chrome_for_request
from events.models import EventIndexPage, EventPage, upcoming
from home.listing import below, unrestricted, with_urls_below
from news.flow import OrganizationsFeed

register = template.Library()
KEPT_SECONDS = 60

UPCOMING_FIELDS = ("title", "url_path", "path", "start", "end", "place", "online_url")


def _upcoming(events, now):
    return events.live().filter(upcoming(now)).only(*UPCOMING_FIELDS).order_by("start")


@dataclass(frozen=True)
class Upcoming:
    """An event as «Ближайшие события» shows it (what is kept between page views)."""

    title: str
    start: object
    end: object
    place: str
    link: str
    source: str = ""

    @property
    def url(self):
        return self.link


def _build(page, chrome, count):
    now = timezone.now()
    own = list(_upcoming(unrestricted(EventPage.objects.filter(below(page)), page), now)[:count])
    own = with_urls_below(own, page, chrome.root_url or page.get_url())
    found = [
        Upcoming(e.title, e.start, e.end, e.place, getattr(e, "listing_url", "") or e.url)
        for e in own
    ]
    feed = OrganizationsFeed(chrome)
    if feed:
        flagged = feed.label(_upcoming(feed.flagged(EventPage.objects), now)[:count])
        found += [
            Upcoming(
                e.title,
                e.start,
                e.end,
                e.place,
                e.original_url,
                e.source.short_name if e.source else "",
            )
            for e in flagged
        ]
    return sorted(found, key=lambda event: event.start)[:count]


@register.inclusion_tag("events/upcoming.html", takes_context=True)
def upcoming_events(context, count=3):
    """Kept with the site chrome (renewed by any publish) for a minute at most, since events
    pass with time: none of the two queries on most views of a home page."""
    request = context.get("request")
    page = context.get("page")
    if request is None or page is None or not page.pk:
        return {"events": []}
    chrome = chrome_for_request(request)
    events = chrome.kept(
        f"upcoming-events:{page.pk}:{count}",
        lambda: _build(page, chrome, count),
        seconds=KEPT_SECONDS,
    )
    index_type = ContentType.objects.get_for_model(EventIndexPage).pk
    index_pks = {pk for pk, type_id in chrome.children.values() if type_id == index_type}
    index_url = next((link.url for link in chrome.sections if link.pk in index_pks), "")
    return {"events": events, "index_url": index_url}
