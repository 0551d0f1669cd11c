"""The «Актуальность сайтов» panel on the admin home (sites/freshness/panel.py), rendered
through the test client for a regional admin, a territorial editor, a primary editor and an
unrelated editor; the words and the chart it is built from; a query count that does not grow
with the number of organizations. The builders here are shared with the reminders' tests."""

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import quote_plus

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, Site

from directory.models import Organization
from news.models import NewsIndexPage, NewsPage
from reports.models import PublicReportPage, ReportIndexPage
from sites.freshness import coverage, summary
from sites.freshness import panel as freshness_panel
from sites.freshness import roots as site_roots
from sites.freshness import status as freshness
from sites.freshness.status import Status
from sites.network.building import add_published_child
from sites.network.roles import ensure_regional_admins_group
from sites.onboarding import services as onboarding

from .. import factories
from .test_freshness import refreshed

pytestmark = pytest.mark.django_db

HOME = "/admin/"


# Builders ------------------------------------------------------------------------------------


def aware(year, month, day, hour=12):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, 0))


NOW = aware(2026, 3, 1)
LAUNCHED = aware(2026, 1, 10)


def territorial(code, short_name, **extra):
    return factories.TerritorialOrganizationFactory(
        code=code, short_name=short_name, parent=factories.regional_organization(), **extra
    )


def primary(parent, code, short_name, **extra):
    return factories.PrimaryOrganizationFactory(
        code=code, parent=parent, short_name=short_name, **extra
    )


def onboarded(organization, launched=LAUNCHED):
    """A real onboarding, with the copied tree dated `launched`: the site is «пуст»."""
    onboarding.onboard(organization)
    organization.refresh_from_db()
    Page.objects.descendant_of(organization.site.root_page, inclusive=True).update(
        first_published_at=launched, last_published_at=launched
    )
    summary.refresh([organization.pk])  # written in bulk, past the signals
    return organization


def publish_news(organization, at):
    index = NewsIndexPage.objects.child_of(organization.site.root_page).get()
    slug = f"news-{NewsPage.objects.count() + 1}"
    page = NewsPage(title="Новость", slug=slug, lead="Коротко.", date=timezone.localdate(at))
    return refreshed(organization, add_published_child(index, page, at=at))


def publish_report(organization, year, at):
    index = ReportIndexPage.objects.child_of(organization.site.root_page).get()
    page = PublicReportPage(
        title=f"Публичный отчёт за {year} год", slug=f"otchet-{year}", year=year, summary="."
    )
    return refreshed(organization, add_published_child(index, page, at=at))


def editor_of(organization, username, email=""):
    user = get_user_model().objects.create_user(username, email=email, password="x")
    user.groups.add(organization.editors_group)
    return user


def regional_admin(username="regional-admin"):
    user = get_user_model().objects.create_user(username, password="x")
    user.groups.add(ensure_regional_admins_group())
    return user


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(freshness, "current_time", lambda: NOW)


@pytest.fixture
def template_tree(db):
    return onboarding.site_template()


@pytest.fixture
def region(template_tree):
    """As of 1 March 2026:
    46-01 Железногорская: current (news 2 days ago), report for 2025, full contacts;
      46-01-001 «ППО школы № 1»: stale (news 45 days ago), no 2025 report, address only;
      46-01-002 «ППО детского сада «Солнышко»»: no site;
    46-02 Рыльская: empty (onboarded, nothing published since);
      46-02-001 «ППО Рыльской гимназии»: current, report for 2025, full contacts."""
    contacts = {"address": "ул. Ленина, 2", "phone": "+7 47152 2-22-22", "email": "g@example.org"}
    zh = onboarded(territorial("46-01", "Железногорская", **contacts))
    publish_news(zh, NOW - datetime.timedelta(days=2))
    publish_report(zh, 2025, NOW - datetime.timedelta(days=2))
    school = onboarded(primary(zh, "46-01-001", "ППО школы № 1", address="ул. Мира, 1"))
    publish_news(school, NOW - datetime.timedelta(days=45))
    kindergarten = primary(zh, "46-01-002", "ППО детского сада «Солнышко»")
    ry = onboarded(territorial("46-02", "Рыльская"))
    gymnasium = onboarded(primary(ry, "46-02-001", "ППО Рыльской гимназии", **contacts))
    publish_news(gymnasium, NOW - datetime.timedelta(days=5))
    publish_report(gymnasium, 2025, NOW - datetime.timedelta(days=5))
    return {"zh": zh, "school": school, "kindergarten": kindergarten, "ry": ry, "gym": gymnasium}


# Reading the panel ---------------------------------------------------------------------------


class PanelParser(HTMLParser):
    """The text and the HTML of the panel (<section id="freshness-section">) on a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.found = self.in_style = False
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.in_style = tag == "style"
        if tag == "section":
            if self.depth:
                self.depth += 1
            elif dict(attrs).get("id") == "freshness-section":
                self.depth, self.found = 1, True

    def handle_endtag(self, tag):
        self.in_style = False
        if tag == "section" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and not self.in_style:
            self.text.append(data)


def dashboard(client, user):
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    parser = PanelParser()
    parser.feed(response.text)
    panel = " ".join(" ".join(parser.text).split()) if parser.found else None
    return response.text, panel


def status_count(html, status):
    found = re.findall(
        rf'<li data-status="{status}">.*?<strong>(\d+)</strong>', html, flags=re.DOTALL
    )
    return [int(n) for n in found]


def chart_rows(html):
    """The chart's text alternative: territorial organization → counts by status, total."""
    table = re.search(
        r'<table class="w-sr-only" id="freshness-chart-\d+-table">(.*?)</table>', html, re.DOTALL
    )
    rows = {}
    for name, cells in re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', table[1], re.DOTALL):
        rows[name] = [int(n) for n in re.findall(r"<td>(\d+)</td>", cells)]
    return rows


NAMES = {
    "zh": "Железногорская",
    "school": "ППО школы № 1",
    "kindergarten": "ППО детского сада «Солнышко»",
    "ry": "Рыльская",
    "gym": "ППО Рыльской гимназии",
}


# Who sees what -------------------------------------------------------------------------------


def test_regional_admin_sees_the_whole_network(client, region):
    html, panel = dashboard(client, regional_admin())
    assert panel is not None
    assert "Все организации" in panel
    # The regional organization (no site), 2 territorial, 3 primary organizations.
    assert "Организаций: 6." in panel
    assert "Сайт есть у 2 из 3 первичных организаций (66,7 %)" in panel
    assert "актуальная информация — у 1 (33,3 %)" in panel
    counts = {status.value: status_count(html, status.value) for status in Status}
    assert counts == {
        "актуален": [2],
        "устаревает": [1],
        "заброшен": [0],
        "пуст": [1],
        "нет сайта": [2],
    }
    link = re.search(r'<li data-status="устаревает">.*?<a href="([^"]+)"', html, re.DOTALL)
    assert link[1] == f"/admin/reports/freshness/?status={quote_plus('устаревает')}"
    report = client.get(link[1])
    assert re.findall(r'<tr[^>]* data-code="([^"]+)"', report.text) == ["46-01-001"]
    for name in ("Железногорская", "ППО школы № 1", "Рыльская", "ППО Рыльской гимназии"):
        assert name in panel
    # The stalest sites first: Рыльская (launched 10 January), then the school (45 days).
    stalest = re.findall(r'<tr data-code="([^"]+)">', html)
    assert stalest[:2] == ["46-02", "46-01-001"]
    assert set(stalest) == {"46-01", "46-01-001", "46-02", "46-02-001"}, "sites only"
    assert "<svg" in html and "<script" not in panel
    assert chart_rows(html) == {
        "Железногорская": [1, 1, 0, 0, 1, 3],
        "Рыльская": [1, 0, 0, 1, 0, 2],
    }


def test_superuser_sees_the_panel(client, region, admin_user):
    _, panel = dashboard(client, admin_user)
    assert panel is not None and "Все организации" in panel


def test_territorial_editor_sees_its_organization_and_primaries_only(client, region):
    html, panel = dashboard(client, editor_of(region["zh"], "zh-editor"))
    assert panel is not None
    assert "Железногорская и первичные организации" in panel
    assert "Организаций: 3." in panel
    assert "Сайт есть у 1 из 2 первичных организаций (50,0 %)" in panel
    for key in ("zh", "school"):
        assert NAMES[key] in panel
    for key in ("ry", "gym"):
        assert NAMES[key] not in html, key
    counts = {status.value: status_count(html, status.value)[0] for status in Status}
    assert counts == {"актуален": 1, "устаревает": 1, "заброшен": 0, "пуст": 0, "нет сайта": 1}
    # Each count links to the report filtered by its status (and the organization).
    link = re.search(r'<li data-status="нет сайта">.*?<a href="([^"]+)"', html, re.DOTALL)
    assert f"territorial={region['zh'].pk}" in link[1]
    report = client.get(link[1].replace("&amp;", "&"))
    assert re.findall(r'<tr[^>]* data-code="([^"]+)"', report.text) == ["46-01-002"]
    # The chart has a line for its own organization only; its text alternative the numbers.
    assert chart_rows(html) == {"Железногорская": [1, 1, 0, 0, 1, 3]}
    assert html.count("<rect ") == 3  # current, stale, no site
    # And its own site: current, with nothing missing.
    assert "Сайт: Железногорская" in panel
    assert "Всё в порядке" in panel


def test_network_admins_home_counts_organizations_not_every_page(client, region):
    """Wagtail's summary counts every page under the user's root: for a regional admin, each
    page of the network on each view of the admin home. Editors keep the count of theirs."""
    school = region["school"]
    root_link = 'href="/admin/pages/{}/"'
    html, _ = dashboard(client, regional_admin())
    assert "icon-doc-empty" not in html.split('id="freshness-section"')[0]
    assert root_link.format(Page.get_first_root_node().pk) not in html
    html, _ = dashboard(client, editor_of(school, "school-editor"))
    assert root_link.format(school.site.root_page_id) in html, "an editor's pages are counted"


def test_network_overview_is_counted_once_until_something_changes(client, region, monkeypatch):
    """The network admins' overview (four scans of every organization at the national size)
    is kept for every network admin until a publish, a registry change or the next day."""
    first, second = regional_admin(), regional_admin("regional-admin-2")
    html, _ = dashboard(client, first)
    assert status_count(html, "пуст") == [1]
    client.force_login(second)
    client.get(HOME)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(HOME).text
    organization_scans = [q for q in queries if "directory_organization" in q["sql"]]
    assert not organization_scans, [q["sql"][:120] for q in organization_scans]
    assert status_count(html, "пуст") == [1], "another admin is shown the same counts"

    publish_news(region["ry"], NOW - datetime.timedelta(days=1))  # «Рыльская» is no more empty
    html, _ = dashboard(client, second)
    assert status_count(html, "пуст") == [0]
    assert status_count(html, "актуален") == [3]

    Organization.objects.filter(pk=region["ry"].pk).update(short_name="Рыльская районная")
    summary.refresh([region["ry"].pk])  # written past the signals, then the figures renewed
    html, _ = dashboard(client, second)
    assert "Рыльская районная" in html

    # The day after the next 30 days, the sites current today are aging.
    monkeypatch.setattr(freshness, "current_time", lambda: NOW + datetime.timedelta(days=31))
    html, _ = dashboard(client, second)
    assert status_count(html, "актуален") == [0]


def test_primary_editor_sees_its_own_site_and_what_is_missing(client, region):
    html, panel = dashboard(client, editor_of(region["school"], "school-editor"))
    assert panel is not None
    assert "Сайт: ППО школы № 1" in panel
    assert "устаревает" in panel
    assert "сайт не обновлялся 45 дней" in panel
    assert "нет новостей 45 дней" in panel
    assert "нет публичного отчёта за 2025 год" in panel
    assert "не заполнены контакты: телефон, e-mail" in panel
    for key in ("zh", "kindergarten", "ry", "gym"):
        assert NAMES[key] not in html, key
    assert "<svg" not in panel and "Все организации" not in panel
    assert 'data-status="' not in html, "no network counts"


def test_editor_of_an_empty_site(client, region):
    gymnasium_sibling = onboarded(primary(region["ry"], "46-02-002", "ППО Рыльского колледжа"))
    _, panel = dashboard(client, editor_of(gymnasium_sibling, "college-editor"))
    assert "пуст" in panel
    assert "сайт пуст: опубликованы только страницы шаблона" in panel
    assert "нет новостей" in panel
    assert "не заполнены контакты: адрес, телефон, e-mail" in panel


def test_editor_of_an_offboarded_site(client, region):
    user = editor_of(region["school"], "school-editor")
    onboarding.offboard(region["school"])
    _, panel = dashboard(client, user)
    assert "нет сайта" in panel and "сайта нет" in panel


def test_unrelated_editor_sees_no_panel(client, region, editor):
    html, panel = dashboard(client, editor)
    assert panel is None
    for name in NAMES.values():
        assert name not in html


# Words ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0, "0 дней"),
        (1, "1 день"),
        (2, "2 дня"),
        (4, "4 дня"),
        (5, "5 дней"),
        (11, "11 дней"),
        (12, "12 дней"),
        (14, "14 дней"),
        (21, "21 день"),
        (22, "22 дня"),
        (45, "45 дней"),
        (101, "101 день"),
        (111, "111 дней"),
        (112, "112 дней"),
        (122, "122 дня"),
    ],
)
def test_days_text_uses_russian_plurals(number, text):
    assert freshness_panel.days_text(number) == text


def test_ago_text():
    assert freshness_panel.ago_text(0) == "сегодня"
    assert freshness_panel.ago_text(1) == "вчера"
    assert freshness_panel.ago_text(31) == "31 день назад"


def row_of(organization, **now):
    rows = freshness.freshness_rows(Organization.objects.filter(pk=organization.pk), **now)
    return rows[0]


def test_missing_news_counts_from_the_current_threshold(region, settings):
    school = region["school"]
    settings.FRESHNESS_CURRENT_DAYS = 45
    assert "нет новостей 45 дней" not in freshness_panel.missing_items(row_of(school, now=NOW))
    settings.FRESHNESS_CURRENT_DAYS = 44
    assert "нет новостей 45 дней" in freshness_panel.missing_items(row_of(school, now=NOW))


def test_missing_report_is_for_the_previous_calendar_year(region):
    gymnasium = region["gym"]
    assert not any("отчёта" in item for item in freshness_panel.missing_items(row_of(gymnasium)))
    next_year = aware(2027, 1, 2)
    items = freshness_panel.missing_items(row_of(gymnasium, now=next_year))
    assert "нет публичного отчёта за 2026 год" in items


@pytest.mark.parametrize("root_list_limit", [500, 0])
def test_contact_gaps_name_the_empty_fields(region, monkeypatch, root_list_limit):
    monkeypatch.setattr(site_roots, "ROOT_LIST_LIMIT", root_list_limit)
    rows = freshness.freshness_rows(now=NOW)
    gaps = freshness_panel.contact_gaps(rows)
    by_code = {row.code: row.organization_id for row in rows}
    assert gaps[by_code["46-01-001"]] == ["телефон", "e-mail"]
    assert by_code["46-02-001"] not in gaps, "complete contacts are not looked up"
    assert by_code["46-01-002"] not in gaps, "no site, no contacts page"


# The chart -----------------------------------------------------------------------------------


def relative_luminance(color):
    def channel(value):
        value = int(value, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(color[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_status_colours_contrast_with_white():
    for status, color in freshness_panel.STATUS_COLORS.items():
        ratio = 1.05 / (relative_luminance(color) + 0.05)
        assert ratio >= 4.5, (status, color, ratio)
    assert len(set(freshness_panel.STATUS_COLORS.values())) == len(Status)


def test_chart_segments_fill_each_bar_in_proportion(region):
    lines = coverage.coverage(now=NOW).lines
    chart = freshness_panel.status_chart(freshness_panel.chart_bars(lines))
    zh_line = chart.lines[0]
    assert zh_line.name == "Железногорская" and zh_line.total == 3
    assert [(s.status, s.count) for s in zh_line.segments] == [
        (Status.CURRENT, 1),
        (Status.AGING, 1),
        (Status.NO_SITE, 1),
    ]
    assert [s.x for s in zh_line.segments] == [0, 200, 400]
    assert sum(s.width for s in zh_line.segments) == pytest.approx(chart.width)
    ry_line = chart.lines[1]
    assert [(s.status, s.count, s.width) for s in ry_line.segments] == [
        (Status.CURRENT, 1, 300),
        (Status.EMPTY, 1, 300),
    ]
    assert dict(ry_line.counts) == {
        Status.CURRENT: 1,
        Status.AGING: 0,
        Status.ABANDONED: 0,
        Status.EMPTY: 1,
        Status.NO_SITE: 0,
    }
    assert ry_line.bar_y > zh_line.bar_y + chart.bar_height


def test_past_the_limit_the_chart_has_a_bar_per_region(region):
    lines = coverage.coverage(now=NOW).lines
    assert len(lines) == 2
    bars = freshness_panel.chart_bars(lines, limit=1)
    regional = factories.regional_organization()
    assert [name for name, _ in bars] == [regional.short_name]
    assert bars[0][1].total() == sum(line.primaries + 1 for line in lines)


def test_chart_numbers_are_not_localized(client, region):
    """Russian formatting would write 133,33: SVG needs 133.33."""
    for n in range(3, 7):  # Железногорская: 7 organizations, so sevenths of 600
        primary(region["zh"], f"46-01-00{n}", f"ППО № {n}")
    html, _ = dashboard(client, regional_admin())
    widths = re.findall(r'<rect x="([^"]+)" y="\d+" width="([^"]+)"', html)
    assert widths and all("," not in x + width for x, width in widths)
    assert any("." in width for _, width in widths), widths


# Queries -------------------------------------------------------------------------------------


def grow(total):
    """Organizations up to `total`, cheaply: primaries under four territorial organizations,
    in bulk; one in ten with a home page, a Site, a news index and a news item."""
    regional = factories.regional_organization()
    territorials = [
        Organization.objects.filter(code=f"T-{n}").first()
        or factories.TerritorialOrganizationFactory(code=f"T-{n}", parent=regional)
        for n in range(4)
    ]
    start = Organization.objects.count()
    Organization.objects.bulk_create(
        Organization(
            code=f"T-{n % 4}-{n:03d}",
            short_name=f"ППО № {n}",
            name=f"Первичная организация № {n}",
            kind=Organization.Kind.PRIMARY,
            parent=territorials[n % 4],
        )
        for n in range(start, total)
    )
    for n in range(start, total):
        if n % 10 == 1:
            org = Organization.objects.get(code=f"T-{n % 4}-{n:03d}")
            home = factories.HomePageFactory(title=org.short_name, slug=f"site-{org.code}")
            site = Site.objects.create(hostname=f"s{n}.localhost", port=80, root_page=home)
            Organization.objects.filter(pk=org.pk).update(site=site, home_page=home)
            index = add_published_child(home, NewsIndexPage(title="Новости", slug="novosti"))
            at = NOW - datetime.timedelta(days=n)
            news = NewsPage(title="Новость", slug="n", lead=".", date=timezone.localdate(at))
            add_published_child(index, news, at=at)
    return territorials


def dashboard_queries(client, user):
    client.force_login(user)
    client.get(HOME)  # warm the caches (site root paths, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(HOME)
    assert response.status_code == 200
    assert 'id="freshness-section"' in response.text
    return len(queries)


def test_dashboard_query_count_does_not_grow_with_organizations(client):
    onboarding.site_template()
    territorials = grow(20)
    onboarding.onboard(territorials[0])
    territorials[0].refresh_from_db()
    admin, editor = regional_admin(), editor_of(territorials[0], "t0-editor")
    small = dashboard_queries(client, admin), dashboard_queries(client, editor)
    grow(200)
    assert Organization.objects.count() == 200
    large = dashboard_queries(client, admin), dashboard_queries(client, editor)
    assert small == large, (small, large)
    print(f"dashboard queries (regional admin, territorial editor): {large}")
