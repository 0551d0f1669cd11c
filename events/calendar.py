"""Events as iCalendar (RFC 5545), by the icalendar library: a site's feed, or one event to
add to a calendar."""

from datetime import timedelta

from django.http import HttpResponse
from django.utils.html import strip_tags
from icalendar import Calendar, Event

PRODID = "-//Profsites//События организации Профсоюза//RU"
DEFAULT_LENGTH = timedelta(hours=2)


def build(events, request, name):
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Moscow")
    host = request.get_host().split(":")[0]
    for event in events:
        item = Event()
        item.add("uid", f"event-{event.pk}@{host}")
        item.add("dtstamp", event.last_published_at or event.start)
        item.add("dtstart", event.start)
        item.add("dtend", event.end or event.start + DEFAULT_LENGTH)
        item.add("summary", event.title)
        description = event.summary
        if event.text:
            description += "\n\n" + strip_tags(event.text)
        item.add("description", description)
        location = event.place or event.online_url
        if location:
            item.add("location", location)
        item.add("url", event.get_full_url(request))
        calendar.add_component(item)
    return calendar


def response(events, request, *, name, filename="calendar"):
    answer = HttpResponse(
        build(events, request, name).to_ical(), content_type="text/calendar; charset=utf-8"
    )
    answer["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    return answer
