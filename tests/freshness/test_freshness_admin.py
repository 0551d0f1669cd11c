"""The freshness reports in the admin, through the test client: filters, search, sorting, the
CSV and XLSX exports against the table and the command, who sees which rows, and a query
count that does not grow with the number of organizations."""

import csv
import datetime
import io
from html.parser import HTMLParser

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

from directory.models import Organization
from news.models import NewsIndexPage, NewsPage
from sites.freshness import status as freshness
from sites.freshness.columns import COLUMNS
from sites.network.building import add_published_child
from sites.network.roles import ensure_regional_admins_group

from .. import factories
from ..freshness.test_freshness import (
    editor_of,
    known_region,  # noqa: F401 - a fixture
    primary,
    publish_report,
    template_tree,  # noqa: F401 - a fixture
    territorial,
)

pytestmark = pytest.mark.django_db

URL = "/admin/reports/freshness/"
COVERAGE_URL = "/admin/reports/freshness/coverage/"
REPORTS_URL = "/admin/reports/freshness/reports/"


# Reading what the admin shows ----------------------------------------------------------------


class TableParser(HTMLParser):
    """The rows of the listing table: registry code → the text of each cell, a <time>'s
    `datetime` instead of its text."""

    def __init__(self):
        super().__init__()
        self.rows, self.order = {}, []
        self.in_body = False
        self.code = self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr" and "data-code" in attrs:
            self.code = attrs["data-code"]
            self.rows[self.code] = []
            self.order.append(self.code)
        elif self.code and tag == "td":
            self.cell = []
        elif self.cell is not None and tag == "time":
            self.cell.append(attrs["datetime"])
            self.cell.append(None)  # the text that follows is the display, skipped

    def handle_data(self, data):
        if self.cell is not None and (not self.cell or self.cell[-1] is not None):
            self.cell.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.rows[self.code].append(" ".join("".join(p for p in self.cell if p).split()))
            self.cell = None
        elif tag == "time" and self.cell and self.cell[-1] is None:
            self.cell.pop()
        elif tag == "tr":
            self.code = None
        elif tag == "tbody":
            self.in_body = False


def table(response):
    assert response.status_code == 200
    parser = TableParser()
    parser.feed(response.text)
    return parser


def codes(client, url=URL, **params):
    return table(client.get(url, params)).order


def exported_csv(client, url=URL, **params):
    response = client.get(url, {**params, "export": "csv"})
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def exported_xlsx(client, url=URL, **params):
    response = client.get(url, {**params, "export": "xlsx"})
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def refused(response):
    """Wagtail's admin answers a PermissionDenied with a redirect to the admin home and a
    message ("permission denied"); a plain 403 would do as well."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == "/admin/"
    )


def command_output(*args):
    out = io.StringIO()
    call_command("freshness_report", "--format", "csv", *args, stdout=out)
    return out.getvalue()


# Users ---------------------------------------------------------------------------------------


@pytest.fixture
def region(known_region):  # noqa: F811 - the fixture imported above
    """The known region with editors, a report for 2025 at 46-01 and one for 2024 at 46-02-001."""
    zh = known_region["zh"]
    publish_report(zh, 2025, known_region["now"])
    ry_school = Organization.objects.get(code="46-02-001")
    publish_report(ry_school, 2024, known_region["now"])
    editor_of(zh, "zh-editor-2")
    return known_region


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The reports' clock, fixed at the known region's "now" (1 March 2026, noon)."""
    now = timezone.make_aware(datetime.datetime(2026, 3, 1, 12, 0))
    monkeypatch.setattr(freshness, "current_time", lambda: now)
    return now


@pytest.fixture
def regional_admin(django_user_model):
    user = django_user_model.objects.create_user("regional-admin", password="x")
    user.groups.add(ensure_regional_admins_group())
    return user


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def admin_client(as_user, regional_admin):
    return as_user(regional_admin)


# The table -----------------------------------------------------------------------------------


def test_a_row_per_organization_with_its_figures(admin_client, region):
    shown = table(admin_client.get(URL))
    assert shown.order == sorted(Organization.objects.values_list("code", flat=True))
    site = Organization.objects.get(code="46-01").site
    assert shown.rows["46-01"] == [
        "46-01",
        "Железногорская",
        "актуален",  # the status beside the name
        "Территориальная (районная, городская)",
        "Курская областная организация",
        site.hostname,
        "2026-03-01",  # the report, published today
        "2026-02-26",
        "1",
        "2025",
        "нет",
        "1",
    ]
    assert f'href="{site.root_url}/"' in admin_client.get(URL).text
    assert shown.rows["46-01-003"][2] == "устаревает"
    assert shown.rows["46-02"][2] == "пуст"
    assert shown.rows["46-03"][5:7] == ["нет сайта", ""]
    assert shown.rows["46-03"][2] == "нет сайта"


def test_the_report_is_in_the_reports_menu_and_links_the_other_two(admin_client, region):
    html = admin_client.get("/admin/").text
    for url in (URL, COVERAGE_URL, REPORTS_URL):
        assert url in html
    html = admin_client.get(URL).text
    assert COVERAGE_URL in html and REPORTS_URL in html


FILTER_CASES = [
    ({"kind": "territorial"}, ["46-01", "46-02", "46-03"]),
    ({"kind": "regional"}, ["46-0000"]),
    ({"status": "пуст"}, ["46-02"]),
    ({"status": "устаревает"}, ["46-01-003"]),
    (
        {"status": "нет сайта"},
        ["46-0000", "46-01-004", "46-02-002", "46-03", "46-03-001", "46-03-002"],
    ),
    ({"no_report_year": "2025", "kind": "territorial"}, ["46-02", "46-03"]),
    ({"no_report_year": "2024", "status": "актуален"}, ["46-01", "46-01-001", "46-01-002"]),
    ({"q": "железногор"}, ["46-01"]),  # Cyrillic in any case, on SQLite too
    ({"q": "46-02"}, ["46-02", "46-02-001", "46-02-002"]),
]


def test_filters_and_search(admin_client, region):
    for params, expected in FILTER_CASES:
        assert codes(admin_client, **params) == expected, params


def test_territorial_filter_gives_it_and_its_primaries(admin_client, region):
    zh = region["zh"]
    assert codes(admin_client, territorial=zh.pk) == [
        "46-01",
        "46-01-001",
        "46-01-002",
        "46-01-003",
        "46-01-004",
    ]
    assert codes(admin_client, territorial=zh.pk, kind="primary", status="нет сайта") == [
        "46-01-004"
    ]


def test_past_a_hundred_territorials_their_filter_is_kept_for_links_only(admin_client, region):
    """The whole union has 2,000 territorial organizations: a list of them all is left out of
    the filters, and the panel's and coverage report's links (?territorial=id) still work."""
    zh = region["zh"]
    Organization.objects.bulk_create(
        Organization(
            code=f"47-{n:03d}",
            short_name=f"Территориальная {n}",
            name=f"Территориальная организация {n}",
            search_name=f"территориальная {n}",
            kind=Organization.Kind.TERRITORIAL,
            parent=zh.parent,
        )
        for n in range(100)
    )
    response = admin_client.get(URL)
    assert 'name="territorial"' not in response.text
    assert 'name="status"' in response.text, "the other filters stay"
    assert codes(admin_client, territorial=zh.pk)[:2] == ["46-01", "46-01-001"]
    assert 'name="territorial"' in admin_client.get(URL, {"territorial": zh.pk}).text


def test_results_url_filters_too(admin_client, region):
    assert codes(admin_client, URL + "results/", kind="regional") == ["46-0000"]


def test_sorting(admin_client, region):
    by_update = codes(admin_client, ordering="-last_update")
    dated = [row for row in freshness.freshness_rows() if row.last_update]
    newest_first = sorted(dated, key=lambda row: row.last_update, reverse=True)
    assert by_update[: len(dated)] == [row.code for row in newest_first]
    assert len(by_update) == Organization.objects.count(), "those without a date come last"
    assert codes(admin_client, ordering="-code") == sorted(by_update, reverse=True)
    by_status = [
        table(admin_client.get(URL, {"ordering": "status"})).rows[code][2]
        for code in codes(admin_client, ordering="status")
    ]
    ranks = [freshness.Status.rank(freshness.Status(status)) for status in by_status]
    assert ranks == sorted(ranks) and len(set(ranks)) > 2
    assert codes(admin_client, ordering="-editors")[0] == "46-01"


def test_paginated_by_fifty(admin_client, region, django_user_model):
    zh = region["zh"]
    for n in range(45):
        primary(zh, f"46-01-5{n:02d}")
    first = codes(admin_client)
    second = codes(admin_client, p=2)
    assert len(first) == 50 and len(second) == Organization.objects.count() - 50
    assert not set(first) & set(second)


# Exports -------------------------------------------------------------------------------------


def csv_rows(text):
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("params", [{}, {"kind": "primary"}, {"status": "актуален"}])
def test_csv_and_xlsx_agree_with_the_table(admin_client, region, params):
    shown = table(admin_client.get(URL, params))
    header, *rows = csv_rows(exported_csv(admin_client, **params))
    assert header == [column.export_header for column in COLUMNS]
    assert [row[0] for row in rows] == shown.order, "same rows, same order"
    organizations = {org.code: org for org in Organization.objects.select_related("parent")}
    for row in rows:
        values = dict(zip(header, row, strict=True))
        org, cells = organizations[values["code"]], in_export_order(shown.rows[values["code"]])
        assert values["name"] == org.name and cells[1] == org.short_name
        assert cells[2] == Organization.Kind(values["kind"]).label
        parent = organizations.get(values["parent_code"])
        assert cells[3] == (parent.short_name if parent else "")
        assert cells[4] == (values["hostname"] or "нет сайта")
        assert cells[5:] == [values[column.export_header] for column in COLUMNS[5:]]

    sheet = exported_xlsx(admin_client, **params).active
    assert [[as_text(value) for value in line] for line in sheet.iter_rows(values_only=True)] == [
        header,
        *rows,
    ]


def in_export_order(cells):
    """A table row in the exports' order: on screen the status is beside the name."""
    return [*cells[:2], *cells[3:], cells[2]]


def as_text(value):
    """An XLSX cell as the CSV writes it: dates as YYYY-MM-DD, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value)


@pytest.mark.parametrize(
    ("params", "args"),
    [({}, []), ({"status": "нет сайта"}, ["--status", "нет сайта"])],
)
def test_admin_csv_is_the_commands_csv(admin_client, region, params, args):
    assert exported_csv(admin_client, **params) == command_output(*args)


# Who sees what -------------------------------------------------------------------------------


def test_territorial_editor_sees_its_own_rows_only(as_user, region):
    client = as_user(editor_of(region["zh"], "zh-boss"))
    mine = ["46-01", "46-01-001", "46-01-002", "46-01-003", "46-01-004"]
    assert codes(client) == mine
    assert codes(client, territorial=region["ry"].pk) == mine, "a foreign choice is ignored"
    assert codes(client, q="46-02") == []
    assert [row[0] for row in csv_rows(exported_csv(client))[1:]] == mine
    sheet = exported_xlsx(client).active
    assert [line[0] for line in sheet.iter_rows(min_row=2, values_only=True)] == mine
    assert "Рыльская" not in client.get(URL).text


def test_primary_editor_sees_its_own_row_only(as_user, region):
    school = Organization.objects.get(code="46-01-001")
    client = as_user(editor_of(school, "teacher"))
    assert codes(client) == ["46-01-001"]
    assert [row[0] for row in csv_rows(exported_csv(client))[1:]] == ["46-01-001"]
    assert refused(client.get(COVERAGE_URL))
    assert refused(client.get(COVERAGE_URL, {"export": "xlsx"}))
    assert table(client.get(REPORTS_URL)).order == ["46-01-001"]
    menu = client.get("/admin/").text
    assert URL in menu and REPORTS_URL in menu and COVERAGE_URL not in menu


def test_others_are_refused(as_user, region, editor):
    client = as_user(editor)  # in the admin, editor of no organization
    for url in (URL, URL + "?export=csv", COVERAGE_URL, REPORTS_URL, URL + "results/"):
        assert refused(client.get(url)), url
    assert URL not in client.get("/admin/").text


# Coverage and public reports -----------------------------------------------------------------


def test_coverage_table_totals_and_export(admin_client, region):
    response = admin_client.get(COVERAGE_URL)
    shown = table(response)
    assert shown.order == ["46-03", "46-01", "46-02"]
    assert shown.rows["46-01"] == ["Железногорская", "актуален", "4", "3", "75,0 %", "2", "1", "0"]
    assert shown.rows["46-02"] == ["Рыльская", "пуст", "2", "1", "50,0 %", "1", "0", "0"]
    assert shown.rows["46-03"] == ["Горшеченская", "нет сайта", "2", "0", "0,0 %", "0", "0", "0"]
    assert "Итого по области" in response.text
    assert "Территориальных организаций с сайтом: 2 из 3." in " ".join(response.text.split())
    assert "<li>Горшеченская</li>" in response.text

    workbook = exported_xlsx(admin_client, COVERAGE_URL)
    lines = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert lines[0] == (
        "Территориальная организация",
        "Сайт территориальной организации",
        "Первичных организаций",
        "С сайтом",
        "Доля с сайтом, %",
        "С актуальной информацией",
        "Опубликовали публичный отчёт",
        "Направили отчёт партнёрам",
    )
    # Its own report for 2025 (the past year) is published; none was sent to partners.
    assert lines[2] == ("Железногорская", "актуален", 4, 3, 75, 2, 1, 0)
    assert lines[-1][0] == "Итого по области" and lines[-1][2:] == (8, 4, 50, 3, 1, 0)
    without = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert without == [("Код", "Территориальная организация"), ("46-03", "Горшеченская")]


def test_coverage_pages_a_hundred_lines_with_the_total_last(admin_client, region):
    regional = Organization.objects.get(kind=Organization.Kind.REGIONAL)
    for number in range(100):
        factories.OrganizationFactory(
            kind="territorial",
            code=f"46-9{number:02d}",
            short_name=f"Я-{number:02d}",
            parent=regional,
        )
    first = admin_client.get(COVERAGE_URL)
    assert table(first).order[:3] == ["46-03", "46-01", "46-02"]
    assert len(table(first).order) == 100
    assert "Итого по области" not in first.text
    last = admin_client.get(COVERAGE_URL, {"p": 2})
    assert table(last).order == ["46-997", "46-998", "46-999"]
    assert "Итого по области" in last.text
    lines = list(
        exported_xlsx(admin_client, COVERAGE_URL).worksheets[0].iter_rows(values_only=True)
    )
    assert len(lines) == 1 + 103 + 1  # the heading, every line, the total


def test_coverage_for_a_territorial_editor_is_its_own_line(as_user, region):
    client = as_user(editor_of(region["ry"], "ry-boss"))
    response = client.get(COVERAGE_URL)
    assert table(response).order == ["46-02"]
    assert "Итого по области" not in response.text and "Горшеченская" not in response.text
    lines = list(exported_xlsx(client, COVERAGE_URL).worksheets[0].iter_rows(values_only=True))
    assert [line[0] for line in lines] == ["Территориальная организация", "Рыльская"]


def test_public_reports_for_a_year(admin_client, region):
    shown = table(admin_client.get(REPORTS_URL, {"year": 2025, "ordering": "published"}))
    assert shown.order[0] == "46-01"
    assert shown.rows["46-01"][2].startswith("опубликован")  # beside the name
    assert all(shown.rows[code][2] == "не опубликован" for code in shown.order[1:])
    assert (
        "Опубликовали публичный отчёт за 2025 год: 1 из 12."
        in admin_client.get(REPORTS_URL, {"year": 2025}).text
    )
    assert codes(admin_client, REPORTS_URL, year=2024, published="yes") == ["46-02-001"]
    missing = codes(admin_client, REPORTS_URL, year=2024, published="no", kind="territorial")
    assert missing == ["46-03", "46-01", "46-02"]  # by name: Горшеченская, Железногорская…
    header, *rows = csv_rows(exported_csv(admin_client, REPORTS_URL, year=2025, published="yes"))
    site = region["zh"].site
    assert rows == [
        [
            "46-01",
            region["zh"].name,
            "territorial",
            "46-0000",
            site.hostname,
            "2025",
            "да",
            f"{site.root_url}/otchety/otchet-2025/",
        ]
    ]


def test_public_reports_default_to_the_previous_year(admin_client, region):
    response = admin_client.get(REPORTS_URL)
    assert "Публичные отчёты организаций: за 2025 год" in response.text
    assert "Опубликовали публичный отчёт за 2025 год: 1 из 12." in response.text


def test_public_reports_for_a_territorial_editor(as_user, region):
    client = as_user(editor_of(region["zh"], "zh-boss"))
    assert set(codes(client, REPORTS_URL, year=2025)) == {
        "46-01",
        "46-01-001",
        "46-01-002",
        "46-01-003",
        "46-01-004",
    }


# Queries -------------------------------------------------------------------------------------


def grow(total):
    """Organizations up to `total`, cheaply: a home page, a Site, a news index and a published
    news item for two primaries in three, an editor for one in five."""
    regional = factories.regional_organization()
    territorials = [
        Organization.objects.filter(code=f"T-{n}").first() or territorial(f"T-{n}", parent=regional)
        for n in range(4)
    ]
    now = freshness.current_time()
    n = Organization.objects.count()
    while Organization.objects.count() < total:
        org = primary(territorials[n % 4], f"T-{n % 4}-{n:03d}")
        if n % 3:
            home = factories.HomePageFactory(title=org.short_name, slug=f"site-{org.code}")
            site = Site.objects.create(hostname=f"s{n}.localhost", port=80, root_page=home)
            Organization.objects.filter(pk=org.pk).update(site=site, home_page=home)
            index = add_published_child(home, NewsIndexPage(title="Новости", slug="novosti"))
            at = now - datetime.timedelta(days=n)
            news = NewsPage(title="Новость", slug="n", lead=".", date=at.date())
            add_published_child(index, news, at=at)
        if n % 5 == 0:
            group = Group.objects.create(name=f"Редакторы {org.code}")
            Organization.objects.filter(pk=org.pk).update(editors_group=group)
            org.refresh_from_db()
            editor_of(org, f"editor-{org.code}")
        n += 1


def query_counts(client):
    counts = {}
    for url, params in [
        (URL, {}),
        (URL, {"ordering": "-last_update", "status": "актуален"}),
        (URL + "results/", {"kind": "primary"}),
        (URL, {"export": "csv"}),
        (URL, {"export": "xlsx"}),
        (COVERAGE_URL, {}),
        (COVERAGE_URL, {"export": "xlsx"}),
        (REPORTS_URL, {"year": 2025}),
    ]:
        client.get(url, params)  # warm the caches (site root paths, content types)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200
        counts[(url, tuple(params.items()))] = len(queries)
    return counts


def test_query_count_does_not_grow_with_organizations(admin_client):
    grow(20)
    small = query_counts(admin_client)
    grow(120)  # six times as many, more than two report pages of fifty
    assert Organization.objects.count() == 120
    large = query_counts(admin_client)
    assert small == large
    assert max(large.values()) <= 25, large
