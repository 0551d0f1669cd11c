"""«Смотр-конкурс сайтов»: the year's rating from measured activity, with its formula shown."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.models import Organization
from events.models import EventIndexPage, EventPage
from news.models import NewsIndexPage, NewsPage
from sites.freshness import summary
from sites.infowork.contest import rating
from sites.network.building import add_published_child
from tests.freshness.test_freshness_panel import editor_of

from .. import factories
from .test_infowork import publish_report

pytestmark = pytest.mark.django_db

URL = "/admin/reports/contest/"
YEAR = 2025


def news(org, slug, date, flagged=False):
    index = NewsIndexPage.objects.child_of(org.site.root_page).get()
    add_published_child(
        index,
        NewsPage(title=slug, slug=slug, lead=".", date=date, show_in_parent_feed=flagged),
    )


def event(org, slug, start):
    index = EventIndexPage.objects.child_of(org.site.root_page).get()
    add_published_child(
        index, EventPage(title=slug, slug=slug, start=start, place="Дом профсоюзов", summary=".")
    )


@pytest.fixture
def active(region):
    """Железногорская: news in three months (two flagged up), one event, its report."""
    zh = region["territorial"]
    news(zh, "jan", datetime.date(YEAR, 1, 15), flagged=True)
    news(zh, "jan-2", datetime.date(YEAR, 1, 20))
    news(zh, "mar", datetime.date(YEAR, 3, 1), flagged=True)
    news(zh, "nov", datetime.date(YEAR, 11, 5))
    news(zh, "old", datetime.date(YEAR - 1, 12, 31), flagged=True)  # another year
    event(zh, "plenum", timezone.make_aware(datetime.datetime(YEAR, 4, 2, 10)))
    publish_report(zh, YEAR)
    summary.refresh()
    return region


def test_the_rating_counts_what_each_site_did_in_the_year(active):
    entries = {entry.short_name: entry for entry in rating(Organization.objects.all(), YEAR)}
    zh = entries[active["territorial"].short_name]
    assert (zh.news_months, zh.report, zh.flow, zh.events) == (3, True, 2, 1)
    expected = Decimal(40) * 3 / 12 + 20 + (10 if zh.contacts else 0) + Decimal(15) * 2 / 12
    expected += Decimal(15) / 6
    assert zh.score == expected.quantize(Decimal("0.1"))
    assert zh.place == 1
    school = entries[active["primary"].short_name]
    assert (school.news_months, school.report, school.flow, school.events) == (0, False, 0, 0)
    assert school.place > 1
    assert active["regional"].short_name not in entries  # the rating is of the sites below


def test_the_admin_report_shows_the_formula_and_exports_the_rating(admin_client, active):
    response = admin_client.get(URL, {"year": YEAR})
    assert response.status_code == 200
    assert "Как считаются баллы" in response.text and "Регулярность новостей" in response.text
    assert active["territorial"].short_name in response.text
    export = admin_client.get(URL, {"year": YEAR, "export": "csv"})
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert lines[0].startswith("Место,Код,Организация")
    assert lines[1].startswith(f"1,{active['territorial'].code},")


def test_an_editor_sees_the_rating_of_their_own(client, active):
    client.force_login(editor_of(active["other"], "ry-editor"))
    response = client.get(URL, {"year": YEAR})
    assert response.status_code == 200
    assert active["territorial"].short_name not in response.text
    assert active["other"].short_name in response.text


def test_the_rating_costs_the_same_queries_for_20_and_200_organizations(admin_client, active):
    territorial = active["territorial"]
    counts = []
    for total in (20, 200):
        for n in range(Organization.objects.count(), total):
            factories.org("primary", f"46-01-{n:03d}", f"ППО № {n}", f"ppo-{n}", territorial)
        admin_client.get(URL, {"year": YEAR})
        with CaptureQueriesContext(connection) as queries:
            admin_client.get(URL, {"year": YEAR})
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
