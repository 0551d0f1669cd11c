"""`seed_demo` loads the demo region of the regional committee's resolution, and loading it
twice duplicates nothing."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, Revision, Site

from directory.models import Organization
from news.models import NewsPage
from partners.models import ReportSending
from reports.models import PublicReportPage
from sites.demo import services as demo

NO_SITE_YET = {
    "Горшеченская",
    "Мантуровская",
    "Поныровская",
    "Черемисиновская",
    "Курская районная",
    "Глушковская",
    "Хомутовская",
    "Советская",
}
TODAY = datetime.date(2026, 11, 26)


class TestDemoRegistry:
    """The demo CSV itself matches the facts of the regional committee's resolution."""

    rows = demo.read_rows()

    def test_regional_18_territorial_and_at_least_40_primary_organizations(self):
        kinds = [row["kind"] for row in self.rows]
        assert kinds.count("regional") == 1
        assert kinds.count("territorial") == 18
        assert kinds.count("primary") >= 40

    def test_territorial_organizations_without_a_site_are_those_named_in_the_resolution(self):
        without = {
            row["short_name"]
            for row in self.rows
            if row["kind"] == "territorial" and row["demo_site"] != "yes"
        }
        assert without == {
            f"{name.split()[0]} районная организация Профсоюза" for name in NO_SITE_YET
        }

    def test_two_thirds_of_primary_organizations_have_sites(self):
        primary = [row for row in self.rows if row["kind"] == "primary"]
        share = sum(row["demo_site"] == "yes" for row in primary) / len(primary)
        assert 0.6 <= share <= 0.72

    def test_the_most_active_territorial_sites_are_current(self):
        activity = {
            row["short_name"].split()[0]: row["demo_activity"]
            for row in self.rows
            if row["kind"] == "territorial" and row["demo_site"] == "yes"
        }
        for name in ("Железногорская", "Рыльская", "Щигровская", "Беловская"):
            assert activity[name] == "current", name


def subset(*codes):
    return [row for row in demo.read_rows() if row["code"] in codes]


def snapshot():
    return {
        "organizations": Organization.objects.count(),
        "sites": Site.objects.count(),
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "collections": Collection.objects.count(),
    }


@pytest.mark.django_db
def test_seed_loads_sites_news_and_reports_and_a_second_run_changes_nothing():
    # The regional site, an active territorial one, a stale one, and primaries with and
    # without sites (the whole file takes a minute; the code path is the same).
    rows = subset("46", "46-01", "46-01-001", "46-01-006", "46-06", "46-11")
    demo.seed(rows, today=TODAY, log=lambda *args: None)
    first = snapshot()
    assert first["organizations"] == 6
    assert first["sites"] == 4  # 46, 46-01, 46-01-001 and 46-06; 46-01-006 and 46-11 have none

    zh = Organization.objects.get(code="46-01")
    latest = NewsPage.objects.live().descendant_of(zh.site.root_page).order_by("-date").first()
    assert (TODAY - latest.date).days <= 20, "an active organization's news is recent"
    assert (TODAY - latest.last_published_at.date()).days <= 20
    assert NewsPage.objects.descendant_of(zh.site.root_page).count() >= 9
    assert PublicReportPage.objects.descendant_of(zh.site.root_page).count() == 3
    reports = PublicReportPage.objects.live().descendant_of(zh.site.root_page).order_by("-year")
    latest, older = reports[0], reports[1]
    assert latest.document is None, "the latest year's PDF is made from the page"
    made = Client().get(latest.url + "pdf/", HTTP_HOST=zh.site.hostname)
    assert made.status_code == 200 and made["Content-Type"] == "application/pdf"
    assert Client().get(older.document.url).status_code == 200, "members download the PDFs"
    # The information-work programme: partners, a report sent, documents for the structure.
    assert zh.social_partners.count() == 2
    assert ReportSending.objects.filter(organization=zh, ok=True).exists()
    school = Organization.objects.get(code="46-01-001")
    documents = Client().get("/dokumenty/", HTTP_HOST=school.site.hostname).text
    assert "Форма отчёта первичной организации" in documents
    assert "Положение о смотре-конкурсе информационной работы" in documents

    stale = Organization.objects.get(code="46-06")
    latest = NewsPage.objects.live().descendant_of(stale.site.root_page).order_by("-date").first()
    assert 35 <= (TODAY - latest.date).days <= 85

    regional = Organization.objects.get(code="46")
    assert regional.site.is_default_site and regional.site.hostname == "localhost"
    english = Client().get("/en/", HTTP_HOST="localhost")
    assert english.status_code == 200, "the regional site has an English version"
    assert "About the union" in english.content.decode()
    assert 'hreflang="en"' in Client().get("/", HTTP_HOST="localhost").content.decode()
    assert Organization.objects.get(code="46-11").site is None

    demo.seed(rows, today=TODAY, log=lambda *args: None)
    assert snapshot() == first


@pytest.mark.django_db
def test_command_prints_site_urls_and_admin_login(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    csv_file = tmp_path / "region.csv"
    rows = subset("46", "46-03")
    with open(csv_file, "w", encoding="utf-8") as handle:
        handle.write(",".join(rows[0]) + "\n")
        for row in rows:
            handle.write(",".join(f'"{value}"' for value in row.values()) + "\n")
    out = StringIO()
    call_command("seed_demo", file=csv_file, stdout=out)
    text = out.getvalue()
    assert "http://localhost/" in text
    assert "http://kursk.localhost/" in text
    password = (tmp_path / "demo-admin-password.txt").read_text().strip()
    assert f"логин: admin  пароль: {password}" in text

    out = StringIO()
    call_command("seed_demo", file=csv_file, stdout=out)
    assert f"пароль: {password}" in out.getvalue(), "the same login works after a re-run"
    assert "сайтов создано: 0" in out.getvalue()
