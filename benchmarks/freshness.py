"""Freshness report speed: the admin report on 2,000 organizations with sites.

Goal: «Актуальность сайтов» within 500 ms of server time on PostgreSQL, in a number of queries
that does not depend on the number of organizations. Run it against a scratch database, which
it migrates and fills with organizations coded "FB-…" (kept: a second run only measures):

    createdb -h 127.0.0.1 -U postgres profsites_fresh_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/profsites_fresh_bench \\
        .venv/bin/python benchmarks/freshness.py --organizations 2000
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sites.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402
from wagtail.signal_handlers import disable_reference_index_auto_update  # noqa: E402

from benchmarks.admin_login import client_past_second_factor  # noqa: E402
from directory.models import ContactsPage, Organization  # noqa: E402
from home.models import HomePage, StandardPage  # noqa: E402
from home.search_index import per_save_indexing_paused  # noqa: E402
from news.models import NewsIndexPage, NewsPage  # noqa: E402
from reports.models import PublicReportPage, ReportIndexPage  # noqa: E402
from sites.freshness import status as freshness  # noqa: E402
from sites.freshness import summary as freshness_summary  # noqa: E402
from sites.network.building import add_published_child  # noqa: E402

PREFIX = "FB"
TERRITORIALS = 18
PAGE_MODELS = (HomePage, StandardPage, NewsIndexPage, NewsPage, ReportIndexPage)
PAGE_MODELS += (PublicReportPage, ContactsPage)


def registry(total):
    """The regional organization, 18 territorial ones and primaries up to `total`."""
    regional = Organization.objects.filter(kind="regional").first() or Organization.objects.create(
        code=f"{PREFIX}-46",
        name="Региональная (бенчмарк)",
        short_name="Региональная",
        kind="regional",
    )
    territorials = []
    for n in range(TERRITORIALS):
        org, _ = Organization.objects.get_or_create(
            code=f"{PREFIX}-{n:02d}",
            defaults={
                "name": f"Территориальная организация № {n} (бенчмарк)",
                "short_name": f"Территориальная № {n}",
                "kind": "territorial",
                "parent": regional,
            },
        )
        territorials.append(org)
    existing = Organization.objects.count()
    Organization.objects.bulk_create(
        Organization(
            code=f"{PREFIX}-{n % TERRITORIALS:02d}-{n:04d}",
            name=f"Первичная профсоюзная организация школы № {n} (бенчмарк)",
            short_name=f"ППО школы № {n}",
            kind="primary",
            parent=territorials[n % TERRITORIALS],
            address="г. Курск, ул. Ленина, д. 1",
            phone="+7 (4712) 00-00-00",
            email=f"school{n}@example.org",
        )
        for n in range(max(0, total - existing))
    )


def build_site(org, root, now, n):
    """A site as onboarding leaves it, then some news and a report (none for one in ten)."""
    launched = now - timedelta(days=300 + n % 60)
    home = add_published_child(
        root,
        HomePage(title=org.short_name, slug=f"fb-{org.pk}", intro="<p>Сайт.</p>"),
        at=launched,
        clean=False,
    )
    sections = [
        StandardPage(title="О Профсоюзе", slug="o-profsoyuze"),
        NewsIndexPage(title="Новости", slug="novosti"),
        ReportIndexPage(title="Публичные отчёты", slug="otchety"),
        ContactsPage(
            title="Контакты", slug="kontakty", **org.contact_defaults(), office_hours="9–17"
        ),
    ]
    pages = {
        type(page): add_published_child(home, page, at=launched, clean=False) for page in sections
    }
    if n % 10:
        for k in range(n % 7):
            at = now - timedelta(days=(n * 7 + k * 31) % 200, hours=k)
            news = NewsPage(title=f"Новость {k}", slug=f"n-{k}", lead="Коротко.", date=at.date())
            add_published_child(pages[NewsIndexPage], news, at=at, clean=False)
        if n % 2:
            year = now.year - 1
            report = PublicReportPage(
                title=f"Публичный отчёт за {year} год", slug=f"o-{year}", year=year, summary="."
            )
            add_published_child(pages[ReportIndexPage], report, at=now - timedelta(days=n % 90))
    site = Site.objects.create(hostname=f"fb-{org.pk}.localhost", port=80, root_page=home)
    group = Group.objects.create(name=f"Редакторы {org.code}")
    user = get_user_model().objects.create_user(f"fb-editor-{org.pk}", password=None)
    user.groups.add(group)
    Organization.objects.filter(pk=org.pk).update(site=site, home_page=home, editors_group=group)


def build(total):
    """Organizations up to `total`, each with a site as onboarding leaves it (a home page and its
    sections, published at once), then 0 to 6 news items over the last 200 days and a public
    report for one in two; one in ten keeps its empty template. Every organization has an
    editors' group with one editor."""
    registry(total)
    pending = list(Organization.objects.filter(site__isnull=True).order_by("code"))
    if not pending:
        return
    print(f"building {len(pending)} sites…", flush=True)
    root = Page.get_first_root_node()
    now = timezone.now()
    started = time.perf_counter()
    with per_save_indexing_paused(*PAGE_MODELS), disable_reference_index_auto_update():
        for start in range(0, len(pending), 100):
            with transaction.atomic():
                for n, org in enumerate(pending[start : start + 100], start=start):
                    root.refresh_from_db()
                    build_site(org, root, now, n)
            print(f"  {start + 100} sites, {time.perf_counter() - started:.0f} s", flush=True)
    freshness_summary.refresh()  # the sites were built past onboarding and its renewal
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would, soon after a bulk load


def timed(client, url, params, runs):
    """Median and slowest wall time of a request through the test client (middleware, view
    and templates: the server's side), median CPU time of this process (the application's
    share, without the database's and without waiting for a busy CPU), and the queries."""
    client.get(url, params)  # warm: caches of site roots, content types, templates
    timings, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, params)
        if response.streaming:
            b"".join(response.streaming_content)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
        if response.streaming:
            b"".join(response.streaming_content)
    return statistics.median(timings), max(timings), statistics.median(cpu), len(queries)


def main():
    """Prints the median and slowest of several runs of each view, as a superuser, with the
    median CPU time (on a busy machine the wall time also counts waiting for a CPU), the query
    count, and the load average, which the wall time depends on."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organizations", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    build(args.organizations)
    with_site = Organization.objects.filter(site__isnull=False).count()
    print(
        f"organizations: {Organization.objects.count()} ({with_site} with a site), "
        f"pages: {Page.objects.count()}"
    )

    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        rows = freshness.freshness_rows()
        timings.append((time.perf_counter() - started) * 1000)
    statuses = {status: sum(row.status == status for row in rows) for status in freshness.Status}
    median = statistics.median(timings)
    print(f"freshness_rows() for {len(rows)} organizations: median {median:.0f} ms")
    print("  " + ", ".join(f"{status}: {count}" for status, count in statuses.items()))

    admin = get_user_model().objects.filter(username="fb-admin").first()
    admin = admin or get_user_model().objects.create_superuser("fb-admin", password=None)
    client = client_past_second_factor(admin)
    for label, url, params in [
        ("report, first page (50 rows)", "/admin/reports/freshness/", {}),
        ("report sorted by last update", "/admin/reports/freshness/", {"ordering": "-last_update"}),
        ("report filtered: «заброшен»", "/admin/reports/freshness/", {"status": "заброшен"}),
        ("CSV export, all rows", "/admin/reports/freshness/", {"export": "csv"}),
        ("XLSX export, all rows", "/admin/reports/freshness/", {"export": "xlsx"}),
        ("coverage", "/admin/reports/freshness/coverage/", {}),
        ("public reports", "/admin/reports/freshness/reports/", {}),
    ]:
        median, slowest, cpu, queries = timed(client, url, params, args.runs)
        print(
            f"{label}: median {median:.0f} ms (application CPU {cpu:.0f} ms), "
            f"slowest {slowest:.0f} ms, {queries} queries"
        )


if __name__ == "__main__":
    main()
