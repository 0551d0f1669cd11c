"""Freshness of the organizations' sites (sites/freshness/): statuses at their boundaries
with a fixed clock, «пуст» after a real onboarding, «нет сайта», the figures of a row, who
sees which rows, coverage and public reports, in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page

from directory.models import ContactsPage, Organization
from news.models import NewsIndexPage, NewsPage
from reports.models import PublicReportPage, ReportIndexPage
from sites.freshness import coverage, public_reports, summary
from sites.freshness import status as freshness
from sites.freshness.status import Status
from sites.network.building import add_published_child
from sites.network.roles import ensure_regional_admins_group
from sites.onboarding import services as onboarding

from .. import factories

pytestmark = pytest.mark.django_db

LAUNCHED = timezone.make_aware(datetime.datetime(2026, 1, 10, 9, 0))


# Builders, shared with the other freshness test files ----------------------------------------


def aware(year, month, day, hour=12, minute=0):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def territorial(code, short_name=None, **extra):
    return factories.TerritorialOrganizationFactory(
        code=code, short_name=short_name or f"Территориальная {code}", **extra
    )


def primary(parent, code, short_name=None, **extra):
    return factories.PrimaryOrganizationFactory(
        code=code, parent=parent, short_name=short_name or f"ППО {code}", **extra
    )


def onboarded(organization, launched=LAUNCHED):
    """A real onboarding, then the copied tree dated `launched`, as if made that day (the
    demo's `backdate`): the site is still «пуст»."""
    onboarding.onboard(organization)
    organization.refresh_from_db()
    Page.objects.descendant_of(organization.site.root_page, inclusive=True).update(
        first_published_at=launched, last_published_at=launched
    )
    summary.refresh([organization.pk])  # written in bulk, past the signals
    return organization


def publish_news(organization, at, *, date=None, title="Новость"):
    index = NewsIndexPage.objects.child_of(organization.site.root_page).get()
    slug = f"news-{NewsPage.objects.count() + 1}"
    page = NewsPage(title=title, slug=slug, lead="Коротко.", date=date or timezone.localdate(at))
    return refreshed(organization, add_published_child(index, page, at=at))


def publish_report(organization, year, at):
    index = ReportIndexPage.objects.child_of(organization.site.root_page).get()
    report = PublicReportPage(
        title=f"Публичный отчёт за {year} год", slug=f"otchet-{year}", year=year, summary="Итоги."
    )
    return refreshed(organization, add_published_child(index, report, at=at))


def refreshed(organization, page):
    """`add_published_child()` publishes as the platform does, without Wagtail's signals: the
    kept figures are renewed as onboarding renews them."""
    summary.refresh([organization.pk])
    return page


def row_for(organization, rows):
    return next(row for row in rows if row.organization_id == organization.pk)


def one_row(organization, now):
    return row_for(organization, freshness.freshness_rows(now=now))


def editor_of(organization, username, *, active=True):
    user = get_user_model().objects.create_user(username, password="x", is_active=active)
    user.groups.add(organization.editors_group)
    return user


# Statuses ------------------------------------------------------------------------------------


@pytest.fixture
def school():
    regional = factories.regional_organization()
    zh = territorial("46-01", parent=regional)
    return onboarded(primary(zh, "46-01-001"))


@pytest.mark.parametrize(
    ("days", "status"),
    [
        (0, Status.CURRENT),
        (30, Status.CURRENT),
        (31, Status.AGING),
        (90, Status.AGING),
        (91, Status.ABANDONED),
        (400, Status.ABANDONED),
    ],
)
def test_status_at_its_boundaries(school, days, status):
    published = aware(2026, 3, 1, 23, 50)  # late in the evening, Moscow time
    publish_news(school, published)
    now = aware(2026, 3, 1, 0, 5) + datetime.timedelta(days=days)  # just after midnight
    row = one_row(school, now)
    assert row.days_since_update == days
    assert row.last_update == published
    assert row.status == status


def test_thresholds_are_settings(school, settings):
    publish_news(school, aware(2026, 3, 1))
    now = aware(2026, 3, 11)
    assert one_row(school, now).status == Status.CURRENT
    settings.FRESHNESS_CURRENT_DAYS = 7
    assert one_row(school, now).status == Status.AGING
    settings.FRESHNESS_STALE_DAYS = 9
    assert one_row(school, now).status == Status.ABANDONED


def test_status_for_days_matches_the_documented_boundaries():
    thresholds = freshness.Thresholds(current_days=30, stale_days=90, news_days=90)
    statuses = [freshness.status_for_days(days, thresholds) for days in (30, 31, 90, 91)]
    assert statuses == [Status.CURRENT, Status.AGING, Status.AGING, Status.ABANDONED]


class TestEmpty:
    def test_a_freshly_onboarded_site_is_empty_whatever_the_date(self, template_tree):
        org = primary(territorial("46-01"), "46-01-001")
        onboarding.onboard(org)
        org.refresh_from_db()
        for days in (0, 10, 200):
            now = timezone.now() + datetime.timedelta(days=days)
            row = one_row(org, now)
            assert row.status == Status.EMPTY, days
        assert row.last_update == org.site.root_page.first_published_at

    def test_a_news_item_makes_it_current(self, school):
        publish_news(school, LAUNCHED + datetime.timedelta(minutes=5))
        assert one_row(school, aware(2026, 1, 20)).status == Status.CURRENT

    def test_republishing_the_home_page_later_is_an_update(self, school):
        home = school.site.root_page.specific
        home.intro = "<p>Новое приветствие.</p>"
        home.save_revision().publish()
        home.refresh_from_db()
        assert home.first_published_at == LAUNCHED, "publishing keeps the first date"
        row = one_row(school, timezone.now())
        assert row.status == Status.CURRENT
        assert row.last_update == home.last_published_at

    def test_an_edit_within_the_tolerance_still_counts_as_the_template(self, school):
        home = school.site.root_page
        Page.objects.filter(pk=home.pk).update(
            last_published_at=LAUNCHED + datetime.timedelta(seconds=40)
        )
        summary.refresh([school.pk])
        assert one_row(school, aware(2026, 1, 12)).status == Status.EMPTY

    def test_a_site_where_nothing_was_ever_published_is_empty(self, site_for):
        org = primary(territorial("46-01"), "46-01-001")
        site_for(org, "school.localhost")  # a home page made in code, never published
        assert one_row(org, timezone.now()).status == Status.EMPTY


@pytest.fixture
def template_tree(db):
    return onboarding.site_template()


class TestNoSite:
    def test_never_onboarded(self):
        org = primary(territorial("46-01"), "46-01-001")
        row = one_row(org, timezone.now())
        assert row.status == Status.NO_SITE
        assert (row.hostname, row.site_url, row.last_update, row.last_news) == ("", "", None, None)
        assert (row.news_recent, row.last_report_year, row.editors) == (0, None, 0)

    def test_offboarded_keeps_its_pages_but_has_no_site(self, school):
        publish_news(school, aware(2026, 3, 1))
        onboarding.offboard(school)
        row = one_row(school, aware(2026, 3, 2))
        assert row.status == Status.NO_SITE
        assert row.last_update is None and row.news_recent == 0


# The figures of a row ------------------------------------------------------------------------


class TestFigures:
    def test_news_dates_window_and_drafts(self, school, settings):
        today = datetime.date(2026, 6, 30)
        now = aware(2026, 6, 30, 15)
        for days in (0, 89, 90, 91, 200):
            publish_news(school, aware(2026, 6, 30, 8), date=today - datetime.timedelta(days=days))
        draft = publish_news(school, aware(2026, 6, 30, 9), date=today)
        draft.unpublish()  # Wagtail's signal renews the kept figures
        row = one_row(school, now)
        assert row.last_news == today
        assert row.news_recent == 3  # 0, 89 and 90 days old
        settings.FRESHNESS_NEWS_DAYS = 30
        assert one_row(school, now).news_recent == 1

    def test_another_sites_pages_do_not_count(self, school):
        other = onboarded(primary(school.parent, "46-01-002"))
        publish_news(other, aware(2026, 3, 1))
        publish_report(other, 2025, aware(2026, 3, 1))
        rows = freshness.freshness_rows(now=aware(2026, 3, 2))
        mine, theirs = row_for(school, rows), row_for(other, rows)
        assert (mine.status, mine.last_news, mine.report_years) == (
            Status.EMPTY,
            None,
            frozenset(),
        )
        assert (theirs.status, theirs.last_news, theirs.last_report_year) == (
            Status.CURRENT,
            datetime.date(2026, 3, 1),
            2025,
        )

    def test_report_years_only_live_reports(self, school):
        publish_report(school, 2023, aware(2026, 2, 1))
        publish_report(school, 2024, aware(2026, 2, 1))
        draft = publish_report(school, 2025, aware(2026, 2, 1))
        draft.unpublish()
        row = one_row(school, aware(2026, 3, 1))
        assert row.report_years == {2023, 2024}
        assert row.last_report_year == 2024
        assert row.has_report_for(2024) and not row.has_report_for(2025)

    def test_contacts_from_the_site_and_from_the_registry_without_one(self, template_tree):
        zh = territorial("46-01")
        full = dict(address="г. Курск", phone="+7 (4712) 00-00-00", email="a@example.org")
        complete = onboarded(primary(zh, "46-01-001", **full))
        no_phone = onboarded(primary(zh, "46-01-002", **{**full, "phone": ""}))
        unsited = primary(zh, "46-01-003", **full)
        unsited_incomplete = primary(zh, "46-01-004", **{**full, "email": ""})
        rows = freshness.freshness_rows(now=aware(2026, 3, 1))
        assert row_for(complete, rows).contacts_complete
        assert not row_for(no_phone, rows).contacts_complete
        assert row_for(unsited, rows).contacts_complete
        assert not row_for(unsited_incomplete, rows).contacts_complete

        contacts = ContactsPage.objects.child_of(no_phone.site.root_page).get()
        contacts.phone = "+7 (4712) 11-11-11"
        contacts.save_revision().publish()
        assert one_row(no_phone, aware(2026, 3, 1)).contacts_complete
        contacts.unpublish()
        assert not one_row(no_phone, aware(2026, 3, 1)).contacts_complete

    def test_editors_are_the_groups_active_users(self, school):
        editor_of(school, "one")
        editor_of(school, "two")
        editor_of(school, "gone", active=False)
        assert one_row(school, aware(2026, 3, 1)).editors == 2

    def test_registry_fields_and_the_site_link(self, school):
        row = one_row(school, aware(2026, 3, 1))
        parent = school.parent
        assert (row.code, row.name, row.kind, row.parent_code) == (
            school.code,
            school.name,
            "primary",
            parent.code,
        )
        assert row.hostname == school.site.hostname
        assert row.site_url == school.site.root_url + "/"


# Scope ---------------------------------------------------------------------------------------


class TestScope:
    @pytest.fixture
    def region(self, template_tree):
        regional = factories.regional_organization()
        zh, ry = territorial("46-01", parent=regional), territorial("46-02", parent=regional)
        orgs = {
            "regional": regional,
            "zh": zh,
            "ry": ry,
            "zh1": primary(zh, "46-01-001"),
            "zh2": primary(zh, "46-01-002"),
            "ry1": primary(ry, "46-02-001"),
        }
        for key in ("zh", "ry", "zh1", "ry1"):
            onboarded(orgs[key])
        return orgs

    def visible(self, user):
        return set(freshness.visible_organizations(user).values_list("code", flat=True))

    def test_regional_admins_and_superusers_see_all(self, region, django_user_model):
        admin = django_user_model.objects.create_user("admin", password="x")
        admin.groups.add(ensure_regional_admins_group())
        boss = django_user_model.objects.create_superuser("boss", password="x")
        everything = set(Organization.objects.values_list("code", flat=True))
        assert self.visible(admin) == self.visible(boss) == everything

    def test_territorial_editor_sees_its_own_and_its_primaries(self, region):
        user = editor_of(region["zh"], "zh-editor")
        # its primaries with a site and without one (46-01-002)
        assert self.visible(user) == {"46-01", "46-01-001", "46-01-002"}

    def test_primary_editor_sees_its_own_row_only(self, region):
        user = editor_of(region["zh1"], "school-editor")
        assert self.visible(user) == {"46-01-001"}

    def test_others_see_nothing(self, region, editor, django_user_model):
        inactive = editor_of(region["zh"], "former", active=False)
        assert self.visible(editor) == set()  # in the admin, in no organization's group
        assert self.visible(inactive) == set()
        assert not freshness.has_full_access(inactive)


# Coverage and public reports -----------------------------------------------------------------


@pytest.fixture
def known_region(template_tree):
    """Two territorial organizations with a site and one without; their primaries:
    46-01: 4 primaries, 3 with a site, 2 current (1 stale);
    46-02: 2 primaries, 1 with a site, current;
    46-03 (no site): 2 primaries, none with a site."""
    now = aware(2026, 3, 1)
    regional = factories.regional_organization()
    zh = onboarded(territorial("46-01", "Железногорская", parent=regional))
    ry = onboarded(territorial("46-02", "Рыльская", parent=regional))
    gor = territorial("46-03", "Горшеченская", parent=regional)
    publish_news(zh, now - datetime.timedelta(days=3))
    for code, days in (("46-01-001", 1), ("46-01-002", 30), ("46-01-003", 45)):
        publish_news(onboarded(primary(zh, code)), now - datetime.timedelta(days=days))
    primary(zh, "46-01-004")
    publish_news(onboarded(primary(ry, "46-02-001")), now - datetime.timedelta(days=10))
    primary(ry, "46-02-002")
    primary(gor, "46-03-001")
    primary(gor, "46-03-002")
    return {"now": now, "zh": zh, "ry": ry, "gor": gor}


def test_coverage_on_a_known_region(known_region):
    result = coverage.coverage(now=known_region["now"])
    lines = {line.organization.code: line for line in result.lines}
    assert [line.name for line in result.lines] == ["Горшеченская", "Железногорская", "Рыльская"]
    assert (lines["46-01"].primaries, lines["46-01"].with_site, lines["46-01"].current) == (4, 3, 2)
    assert lines["46-01"].percent == Decimal("75.0")
    assert (lines["46-02"].primaries, lines["46-02"].with_site, lines["46-02"].current) == (2, 1, 1)
    assert lines["46-02"].percent == Decimal("50.0")
    assert (lines["46-03"].primaries, lines["46-03"].with_site, lines["46-03"].percent) == (
        2,
        0,
        Decimal("0.0"),
    )
    total = result.total
    assert (total.primaries, total.with_site, total.current) == (8, 4, 3)
    assert total.percent == Decimal("50.0")
    assert total.current_percent == Decimal("37.5")
    assert [row.code for row in result.territorials_without_site] == ["46-03"]
    assert (result.territorials, result.territorials_with_site) == (3, 2)


def test_percent_rounds_half_up_to_one_decimal():
    assert coverage.percent(143, 200) == Decimal("71.5")
    assert coverage.percent(2, 3) == Decimal("66.7")
    assert coverage.percent(1, 8) == Decimal("12.5")
    assert coverage.percent(0, 0) is None


def test_public_reports_for_a_year(known_region):
    zh, ry = known_region["zh"], known_region["ry"]
    report = publish_report(zh, 2025, aware(2026, 2, 20))
    publish_report(ry, 2024, aware(2025, 2, 20))
    statuses = public_reports.public_reports(year=2025, now=known_region["now"])
    by_code = {status.organization.code: status for status in statuses}
    assert by_code["46-01"].published
    assert by_code["46-01"].url == f"{zh.site.root_url}/otchety/otchet-2025/"
    assert by_code["46-01"].page_id == report.pk
    assert not by_code["46-02"].published, "a report for another year does not count"
    assert not by_code["46-03"].published
    published = {status.organization.code for status in statuses if status.published}
    assert published == {"46-01"}
    assert public_reports.default_report_year(aware(2026, 1, 1, 0, 30)) == 2025
    assert public_reports.public_reports(now=known_region["now"])[0].year == 2025


# Queries -------------------------------------------------------------------------------------


def test_rows_cost_a_fixed_number_of_queries(known_region):
    def count():
        with CaptureQueriesContext(connection) as queries:
            rows = freshness.freshness_rows(now=known_region["now"])
        return len(rows), len(queries)

    before_rows, before = count()
    zh = known_region["zh"]
    for n in range(5):
        org = onboarded(primary(zh, f"46-01-1{n:02d}"))
        publish_news(org, known_region["now"])
        publish_report(org, 2025, known_region["now"])
        editor_of(org, f"editor-{n}")
    after_rows, after = count()
    assert after_rows == before_rows + 5
    assert before == after == 1, (before, after)
