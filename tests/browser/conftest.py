"""Real-browser tests: Chromium (Debian's, driven by Playwright) against pytest-django's live
server, on sites built by the platform's own onboarding.

Two things make these tests unlike the rest of the suite:

- The live server answers from another thread, so the test data must be committed: the tests
  are transactional, and Django empties every table after each of them. That includes the rows
  the migrations made (the Wagtail root page, the "ru" locale, the root collection, ...). The
  tests ask for `serialized_rollback`, which puts those rows back before each test, and
  `_migrated_rows_back` puts them back after the last one, for the tests that run later and for
  the next run's kept database (`--reuse-db`).
- Playwright's sync API keeps an asyncio loop running in the test's thread, which changes two
  things for Django in that thread. It refuses ORM calls ("async context"): nothing here runs
  concurrently with the ORM (the loop only carries Playwright's messages), so that check is off
  while the browser runs. And it looks its database connections up in per-context storage
  instead of the thread's, so the test would get a second set of connections, without what
  the test database set-up stored on the first (the contents `serialized_rollback` restores):
  the browser fixture hands the thread's connections to that storage, as Django's live server
  thread does with `connections[alias] = connection`.
"""

import datetime
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.db import connections

from news.models import NewsIndexPage, NewsPage
from reports.models import PublicReportPage, ReportIndexPage
from sites.network.building import add_published_child
from sites.onboarding.services import onboard

from .. import factories
from ..transactional import _migrated_rows_back  # noqa: F401 (puts the migrations' rows back)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser(django_db_setup):
    """One headless Chromium for the session. Without it the tests skip, except in CI (the
    `CI` variable is set), where a missing browser is a failure."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    thread_connections = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    for alias, thread_connection in thread_connections.items():
        connections[alias] = thread_connection
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _serve_media(route):
    """Uploaded images: the site serves them from MEDIA_ROOT only with DEBUG (in production the
    web server or the storage does), so the browser gets them straight from the test's files."""
    relative = urlsplit(route.request.url).path.removeprefix(django_settings.MEDIA_URL)
    path = (Path(django_settings.MEDIA_ROOT) / relative).resolve()
    if path.is_file() and path.is_relative_to(Path(django_settings.MEDIA_ROOT).resolve()):
        route.fulfill(path=path)
    else:
        route.fulfill(status=404)


@pytest.fixture
def open_page(browser):
    """`open_page(width=1280, height=800)`: a new tab in a fresh browser context (no cookies,
    no history) of that viewport size."""
    contexts = []

    def open_page(width=1280, height=800):
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(TIMEOUT_MS)
        context.route(f"**{django_settings.MEDIA_URL}**", _serve_media)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page):
    """A desktop-sized tab."""
    return open_page()


@pytest.fixture
def site_url(live_server):
    """`site_url(hostname, path="/")`: the URL of a path on one site, at the live server's
    port (Chromium resolves every `*.localhost` name to 127.0.0.1 by itself)."""
    port = urlsplit(live_server.url).port

    def site_url(hostname, path="/"):
        return f"http://{hostname}:{port}{path}"

    return site_url


@pytest.fixture
def screenshot_dir():
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


NEWS = {
    "zheleznogorsk": [
        (
            "Итоги городского конкурса «Педагог года — 2026»",
            "Девять педагогов Железногорска показали открытые уроки; победила учитель "
            "математики школы № 5.",
        ),
        (
            "Семинар по охране труда для уполномоченных",
            "Техническая инспекция труда провела занятие для уполномоченных по охране труда "
            "первичных организаций.",
        ),
        (
            "Профсоюзная путёвка: оздоровление летом",
            "Члены Профсоюза могут подать заявку на санаторно-курортное лечение со скидкой.",
        ),
    ],
    "rylsk": [
        (
            "Рыльские педагоги на областной спартакиаде",
            "Команда Рыльского района заняла второе место в соревнованиях по волейболу.",
        ),
    ],
}


@pytest.fixture
def news():
    """The news `region` publishes, (title, lead) newest first, by site."""
    return NEWS


def _organization(kind, code, short_name, hostname, parent, **contacts):
    return factories.OrganizationFactory(
        kind=kind,
        code=code,
        short_name=short_name,
        name=f"{short_name} Общероссийского Профсоюза образования",
        hostname=hostname,
        parent=parent,
        **contacts,
    )


@pytest.fixture
def region(settings, live_server):
    """The regional organization, two territorial ones and a primary of the first, each with
    the site onboarding builds, news with photos and a public report on the territorial sites.

    The sites are made for the live server's port, as they are for port 8000 in development,
    so the links between sites carry it."""
    settings.PLATFORM_SITE_PORT = urlsplit(live_server.url).port
    regional = factories.regional_organization()
    zheleznogorsk = _organization(
        "territorial",
        "46-01",
        "Железногорская городская организация",
        "zheleznogorsk",
        regional,
        address="307170, Курская область, г. Железногорск, ул. Ленина, д. 57, каб. 214",
        phone="+7 (47148) 2-61-15",
        email="zheleznogorsk.gorkom@profobr46.example",
        chair="Иванова Татьяна Николаевна",
    )
    rylsk = _organization(
        "territorial", "46-02", "Рыльская районная организация", "rylsk", regional
    )
    school = _organization("primary", "46-01-001", "ППО СОШ № 5", "school5-zh", zheleznogorsk)
    organizations = {
        "regional": regional,
        "zheleznogorsk": zheleznogorsk,
        "rylsk": rylsk,
        "school": school,
    }
    for organization in organizations.values():
        onboard(organization)
        organization.refresh_from_db()

    photo = factories.ImageFactory(
        title="Фото", file__width=1200, file__height=675, file__color="#2b6cb0"
    )
    for key, items in NEWS.items():
        index = NewsIndexPage.objects.child_of(organizations[key].site.root_page).get()
        for n, (title, lead) in enumerate(items):
            add_published_child(
                index,
                NewsPage(
                    title=title,
                    slug=f"news-{n + 1}",
                    date=datetime.date(2026, 3, 12) - datetime.timedelta(days=7 * n),
                    lead=lead,
                    main_image=photo,
                ),
            )
    reports = ReportIndexPage.objects.child_of(zheleznogorsk.site.root_page).get()
    add_published_child(
        reports,
        PublicReportPage(
            title="Публичный отчёт за 2025 год",
            slug="otchet-2025",
            year=2025,
            summary="Итоги работы городской организации Профсоюза за 2025 год.",
            members_count=2172,
            info_budget_share="4.5",
        ),
    )
    return organizations
