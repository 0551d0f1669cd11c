"""The information-work programme's reports: the budget shares from the public reports, and the
presidium's yearly XLSX with its five tables, from the admin and the command."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from directory.models import Organization
from partners.models import ReportSending, SocialPartner
from reports.models import PublicReportPage, ReportIndexPage
from sites.freshness.public_reports import default_report_year
from sites.infowork import yearly
from sites.network.building import add_published_child
from sites.network.roles import ensure_regional_admins_group
from tests.freshness.test_freshness_panel import editor_of

from .. import factories

pytestmark = pytest.mark.django_db

BUDGET_URL = "/admin/reports/budget-share/"
YEARLY_URL = "/admin/reports/information-work/"


def publish_report(org, year, **figures):
    index = ReportIndexPage.objects.child_of(org.site.root_page).get()
    return add_published_child(
        index,
        PublicReportPage(
            title=f"Отчёт {org.short_name}",
            slug=f"otchet-{year}",
            year=year,
            summary=".",
            **figures,
        ),
    )


@pytest.fixture
def year():
    return default_report_year()


@pytest.fixture
def world(region, year):
    zh, school = region["territorial"], region["primary"]
    report = publish_report(zh, year, info_budget_share=Decimal("4.5"), training_budget_share=5)
    publish_report(school, year, info_budget_share=Decimal("3.0"))
    publish_report(region["other"], year - 1, info_budget_share=Decimal("5.0"))  # another year
    partners = [
        SocialPartner.objects.create(organization=zh, name=f"Партнёр {n}", email=f"p{n}@ex.org")
        for n in range(2)
    ]
    for partner, ok in zip(partners, (True, False), strict=True):
        ReportSending.objects.create(
            report=report,
            organization=zh,
            partner=partner,
            partner_name=partner.name,
            email=partner.email,
            year=year,
            ok=ok,
        )
    return region


@pytest.fixture
def regional_admin(client, django_user_model):
    user = django_user_model.objects.create_user("regional-admin", password="x")
    user.groups.add(ensure_regional_admins_group())
    client.force_login(user)
    return user


def workbook_from(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def sheet_rows(workbook, index):
    return list(workbook.worksheets[index].iter_rows(values_only=True))


def test_the_yearly_workbook_has_the_five_tables(client, world, year, regional_admin):
    response = client.get(YEARLY_URL, {"year": year})
    assert f"informacionnaya-rabota-{year}.xlsx" in response["Content-Disposition"]
    workbook = workbook_from(response)
    assert workbook.sheetnames == [
        "1. Охват сайтами",
        "2. Актуальность сайтов",
        "3. Публичные отчёты",
        "4. Доля бюджета",
        "5. Социальные партнёры",
    ]
    zh, school, other = (world[key] for key in ("territorial", "primary", "other"))
    coverage = {row[0]: row for row in sheet_rows(workbook, 0)}
    assert coverage[zh.short_name][-2:] == (2, 1)  # published (itself, its primary), sent
    assert coverage[other.short_name][-2:] == (0, 0)
    assert coverage["Итого по области"][2] == 1  # primaries in the region
    freshness = {row[0]: row for row in sheet_rows(workbook, 1)}
    assert sum(freshness[zh.short_name][2:]) == 1  # its one primary, by status
    reports = {row[1]: row for row in sheet_rows(workbook, 2)}
    assert reports[zh.short_name][4:7] == (
        "да",
        f"http://zheleznogorsk.localhost/otchety/otchet-{year}/",
        1,
    )
    assert reports[school.short_name][4] == "да" and reports[school.short_name][6] == 0
    assert reports[other.short_name][4] == "нет"
    budget = {row[1]: row for row in sheet_rows(workbook, 3)}
    assert budget[zh.short_name][3:] == (4.5, "в пределах рекомендуемой", 5, "ниже рекомендуемой")
    assert budget[school.short_name][3:] == (3, "ниже рекомендуемой", None, "не указана")
    assert other.short_name not in budget
    partners = {row[0]: row for row in sheet_rows(workbook, 4)}
    assert partners[zh.short_name][1:] == (2, 1, 1)
    assert partners[other.short_name][1:] == (0, 0, 0)


def test_a_bad_year_is_told_in_russian_and_nothing_downloads(client, world, regional_admin):
    response = client.get(YEARLY_URL, {"year": "двадцать"})
    assert response.status_code == 200 and "text/html" in response["Content-Type"]
    assert "Укажите год числом" in response.text


def test_editors_cannot_download_the_yearly_workbook(client, world):
    client.force_login(editor_of(world["territorial"], "zh-editor"))
    response = client.get(YEARLY_URL, {"year": 2025})
    assert response.status_code in (302, 403)
    assert "spreadsheetml" not in response.get("Content-Type", "")


def test_the_command_writes_the_same_workbook(tmp_path, world, year):
    out = tmp_path / "itogi.xlsx"
    call_command("information_work_report", "--year", str(year), "--output", str(out))
    workbook = load_workbook(out)
    assert len(workbook.sheetnames) == 5
    assert not list(tmp_path.glob("*.part"))
    with pytest.raises(CommandError, match="Нет папки"):
        call_command("information_work_report", "--output", str(tmp_path / "нет" / "x.xlsx"))
    with pytest.raises(CommandError, match="вне допустимого"):
        call_command("information_work_report", "--year", "3000", "--output", str(out))


def test_budget_shares_for_a_territorial_editor_are_its_own_and_its_primaries(client, world, year):
    client.force_login(editor_of(world["territorial"], "zh-editor"))
    response = client.get(BUDGET_URL, {"year": year})
    assert response.status_code == 200
    assert world["territorial"].short_name in response.text
    assert world["primary"].short_name in response.text
    assert "4,5 %" in response.text and "в пределах рекомендуемой" in response.text
    below = client.get(BUDGET_URL, {"year": year, "assessment": "ниже рекомендуемой"}).text
    assert world["primary"].short_name in below and "4,5 %" not in below


def test_budget_shares_never_show_another_territorials(client, world, year):
    client.force_login(editor_of(world["other"], "ry-editor"))
    response = client.get(BUDGET_URL, {"year": year})
    assert response.status_code == 200
    assert world["territorial"].short_name not in response.text


def test_the_reports_cost_the_same_queries_for_20_and_200_organizations(
    client, world, year, regional_admin
):
    territorial = world["territorial"]
    counts = {}
    for total in (20, 200):
        have = Organization.objects.count()
        for n in range(have, total):
            factories.org("primary", f"46-01-{n:03d}", f"ППО № {n}", f"ppo-{n}", territorial)
        for url, params in ((BUDGET_URL, {"year": year}), (YEARLY_URL, {"year": year})):
            client.get(url, params)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, params).status_code == 200
            counts.setdefault(url, []).append(len(queries))
    for url, (small, large) in counts.items():
        assert small == large, (url, small, large)


def test_workbook_sheets_are_one_query_set_whatever_the_size(world, year):
    with CaptureQueriesContext(connection) as queries:
        yearly.sheets(year)
    assert len(queries) <= 10, [query["sql"][:80] for query in queries]
