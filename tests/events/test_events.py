"""Events (events/): «События» on every site, an event page with when, where, registration
and «Добавить в календарь» (.ics), the site's iCalendar feed, upcoming and past, «Ближайшие
события» on the home page with the events flagged by the organizations below, what the admin
refuses (an end before the start, no place, another site's form), and the query budgets."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from icalendar import Calendar
from wagtail.test.utils.form_data import nested_form_data, rich_text

from events.models import EventIndexPage, EventPage
from sites.network.building import add_published_child
from webforms.models import FormPage

from ..site_content import RYLSK, ZHELEZNOGORSK

pytestmark = pytest.mark.django_db

SCHOOL = "school5-zh.localhost"


def index_of(organization):
    return EventIndexPage.objects.child_of(organization.home_page).get()


def event(organization, title, days, *, slug=None, hours=2, **extra):
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)
    page = EventPage(
        title=title,
        slug=slug or f"event-{abs(hash(title)) % 10**8}",
        start=start,
        end=start + datetime.timedelta(hours=hours),
        place=extra.pop("place", "Дом учителя, ул. Ленина, 1"),
        summary=extra.pop("summary", "Встреча председателей."),
        **extra,
    )
    return add_published_child(index_of(organization), page)


def test_every_site_has_its_events_section_in_the_menu(client, region):
    for organization in region.values():
        assert index_of(organization).show_in_menus
    html = client.get("/", HTTP_HOST=ZHELEZNOGORSK).text
    assert 'href="/sobytiya/">События</a>' in html


def test_an_event_page_says_when_where_and_adds_to_a_calendar(client, region):
    page = event(region["territorial"], "Семинар по охране труда", 10, slug="seminar")
    response = client.get("/sobytiya/seminar/", HTTP_HOST=ZHELEZNOGORSK)
    html = response.text
    assert response.status_code == 200
    start = timezone.localtime(page.start)
    assert f"{start.day} " in html and start.strftime("%H:%M") in html
    assert "Дом учителя, ул. Ленина, 1" in html
    assert 'href="/sobytiya/seminar/ical/"' in html
    ics = client.get("/sobytiya/seminar/ical/", HTTP_HOST=ZHELEZNOGORSK)
    assert ics["Content-Type"].startswith("text/calendar")
    (item,) = Calendar.from_ical(ics.content).walk("VEVENT")
    assert str(item["SUMMARY"]) == "Семинар по охране труда"
    assert item.decoded("DTSTART") == page.start
    assert str(item["LOCATION"]) == "Дом учителя, ул. Ленина, 1"
    assert str(item["URL"]) == "http://zheleznogorsk.localhost/sobytiya/seminar/"
    assert str(item["UID"]) == f"event-{page.pk}@zheleznogorsk.localhost"


def test_the_index_lists_upcoming_then_past_and_gives_the_sites_feed(client, region):
    territorial = region["territorial"]
    event(territorial, "Конференция", 20)
    event(territorial, "Слёт молодых педагогов", 5)
    event(territorial, "Прошлогодний форум", -30)
    event(region["other"], "Событие Рыльска", 3)
    html = client.get("/sobytiya/", HTTP_HOST=ZHELEZNOGORSK).text
    upcoming, past = html.split('id="past-heading"')
    assert upcoming.index("Слёт молодых педагогов") < upcoming.index("Конференция")
    assert "Прошлогодний форум" in past and "Прошлогодний форум" not in upcoming
    assert "Событие Рыльска" not in html
    feed = client.get("/sobytiya/ical/", HTTP_HOST=ZHELEZNOGORSK)
    titles = {str(item["SUMMARY"]) for item in Calendar.from_ical(feed.content).walk("VEVENT")}
    assert titles == {"Конференция", "Слёт молодых педагогов", "Прошлогодний форум"}


def test_the_home_page_shows_the_nearest_and_those_flagged_from_below(client, region):
    territorial, primary = region["territorial"], region["primary"]
    event(territorial, "Совещание председателей", 7)
    event(territorial, "Прошедшее совещание", -7)
    event(primary, "Открытый урок в школе № 5", 2, show_in_parent_feed=True)
    event(primary, "Родительское собрание", 1)  # not flagged: stays on the school's site
    html = client.get("/", HTTP_HOST=ZHELEZNOGORSK).text
    section = html.split('id="home-events-heading"')[1].split("</section>")[0]
    assert section.index("Открытый урок в школе № 5") < section.index("Совещание председателей")
    assert "ППО СОШ № 5" in section
    assert 'href="http://school5-zh.localhost/sobytiya/' in section, "the original, on its site"
    assert "Прошедшее совещание" not in section and "Родительское собрание" not in section
    school = client.get("/", HTTP_HOST=SCHOOL).text
    assert "Родительское собрание" in school and "Совещание председателей" not in school
    assert 'id="home-events-heading"' not in client.get("/", HTTP_HOST=RYLSK).text


def _editor(organization):
    user = get_user_model().objects.create_user(f"editor-{organization.pk}", password="x")
    user.groups.add(organization.editors_group)
    return user


def _add(client, index, **fields):
    start = timezone.localtime() + datetime.timedelta(days=3)
    data = {
        "title": "Новое событие",
        "slug": "novoe",
        "start": start.strftime("%Y-%m-%d %H:%M"),
        "end": "",
        "place": "Дом учителя",
        "online_url": "",
        "registration_url": "",
        "registration_form": "",
        "summary": "Коротко.",
        "text": rich_text(""),
        "image": "",
        "show_in_parent_feed": "",
        "action-publish": "publish",
    }
    data.update(fields)
    url = f"/admin/pages/add/events/eventpage/{index.pk}/"
    return client.post(url, nested_form_data(data))


def test_the_admin_refuses_what_makes_no_sense(client, region):
    territorial = region["territorial"]
    client.force_login(_editor(territorial))
    index = index_of(territorial)
    start = timezone.localtime() + datetime.timedelta(days=3)
    response = _add(
        client, index, end=(start - datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    )
    assert "Окончание не может быть раньше начала." in response.text
    response = _add(client, index, place="", online_url="")
    assert "Укажите место или ссылку на трансляцию." in response.text
    assert EventPage.objects.count() == 0
    assert _add(client, index).status_code == 302
    assert EventPage.objects.get().live


def test_a_registration_form_must_be_on_the_events_own_site(client, region):
    territorial, other = region["territorial"], region["other"]
    foreign = add_published_child(other.home_page, FormPage(title="Форма Рыльска", slug="forma"))
    own = add_published_child(territorial.home_page, FormPage(title="Регистрация", slug="reg"))
    client.force_login(_editor(territorial))
    response = _add(client, index_of(territorial), registration_form=foreign.pk)
    assert "Выберите форму на сайте этой организации." in response.text
    assert EventPage.objects.count() == 0
    assert _add(client, index_of(territorial), registration_form=own.pk).status_code == 302
    html = client.get("/sobytiya/novoe/", HTTP_HOST=ZHELEZNOGORSK).text
    assert 'href="/reg/">Зарегистрироваться</a>' in html


@pytest.mark.parametrize("path", ["/", "/sobytiya/", "/sobytiya/e0/"])
def test_event_pages_cost_the_same_few_queries_with_more_events(
    client, region, path, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    territorial, primary = region["territorial"], region["primary"]
    event(territorial, "Событие 0", 1, slug="e0")
    event(territorial, "Прошедшее 0", -1, slug="p0")

    def count():
        client.get(path, HTTP_HOST=ZHELEZNOGORSK)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, HTTP_HOST=ZHELEZNOGORSK).status_code == 200
        return len(queries)

    small = count()
    for n in range(1, 16):
        event(territorial, f"Событие {n}", n % 5 - 2, slug=f"e{n}")
        event(primary, f"Событие школы {n}", n, slug=f"s{n}", show_in_parent_feed=True)
    assert count() == small <= 15
