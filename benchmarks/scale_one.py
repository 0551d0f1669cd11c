"""One size of `benchmarks/scale.py`: builds (or completes) a national-shaped network of N
organizations in its own PostgreSQL database by the platform's own onboarding, then measures
it and writes the figures as JSON. Run by scale.py, one process per size, so each size has its
database and every size is measured by the code as it is now.

The network has the national union's shape at every size: regions of up to 353 organizations
(30,000 / 85), each a regional organization (the first on the base domain, the others on their
own hostnames), one territorial organization in fifteen (2,000 of 30,000) and primaries below
them in turn, each site with two news items (one flagged for the parent's flow). The figures of
a region are measured on the first one, which has 300 organizations at 300 sites and 353 from
353 on: what grows with the network is the number of regions, as it does in the union.

    .venv/bin/python benchmarks/scale_one.py 3000 --json out.json [--build-only]

Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/profsites_scale_<N>),
REDIS_URL (default redis://127.0.0.1:6379/12, 13 or 14 by the order of the size; the script
clears it when measuring).
"""

import argparse
import gc
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SIZE = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 300
os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/profsites_scale_{SIZE}")
# A Redis database for each order of size (12: hundreds, 13: thousands, 14: tens of thousands):
# sizes built or measured at once must not renew each other's kept values.
os.environ.setdefault("REDIS_URL", f"redis://127.0.0.1:6379/{10 + min(5, len(str(SIZE)) - 1)}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sites.settings.production")
os.environ.setdefault("SECRET_KEY", "scale-benchmark-not-secret-" + "x" * 30)
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,.localhost,127.0.0.1,testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("STATIC_ROOT", str(ROOT / "var" / "scale" / "static"))
os.environ.setdefault("MEDIA_ROOT", str(ROOT / "var" / "scale" / "media"))


def ensure_database():
    """Create the benchmark's database if the server has none of that name."""
    import psycopg  # noqa: PLC0415 (before Django: nothing may connect to it yet)

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            admin.execute(f'CREATE DATABASE "{name}"')


ensure_database()

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from benchmarks.admin_login import client_past_second_factor  # noqa: E402
from directory.models import Organization  # noqa: E402
from home import kept  # noqa: E402
from news.models import NewsIndexPage, NewsPage  # noqa: E402
from sites.freshness import summary as freshness_summary  # noqa: E402
from sites.network.building import add_published_child  # noqa: E402
from sites.network.roles import REGIONAL_ADMINS, ensure_regional_admins_group  # noqa: E402
from sites.onboarding import bulk  # noqa: E402
from sites.onboarding.services import onboard  # noqa: E402

PREFIX = "SC"
REGION_SIZE = 30_000 // 85  # organizations in a region: the union's 30,000 in 85 regions
TERRITORIAL_SHARE = 15  # one organization in fifteen: 2,000 of the union's 30,000


def plan(total):
    """[(code, kind, parent code, number)] of the network of `total` organizations, parents
    before children: regions filled in turn, each of up to REGION_SIZE."""
    rows = []
    for region in range(-(-total // REGION_SIZE)):
        size = min(REGION_SIZE, total - region * REGION_SIZE)
        regional = f"{PREFIX}-R{region:02d}"
        rows.append((regional, "regional", None, region))
        territorials = [
            f"{PREFIX}-T{region:02d}-{number:03d}"
            for number in range(max(1, round(size / TERRITORIAL_SHARE)))
        ]
        rows += [(code, "territorial", regional, n) for n, code in enumerate(territorials)]
        for number in range(size - 1 - len(territorials)):
            code = f"{PREFIX}-P{region:02d}-{number:04d}"
            rows.append((code, "primary", territorials[number % len(territorials)], number))
    return rows


def registry_entry(code, kind, parent, number):
    region = code.split("-")[1][1:]
    fields = {
        "regional": {
            "name": f"Региональная организация № {region}",
            "short_name": f"Региональная № {region}",
            # The first region on the base domain (the default site), the others on their own.
            "hostname": "" if region == "00" else f"r{region}",
        },
        "territorial": {
            "name": f"Территориальная организация № {region}-{number}",
            "short_name": f"Территориальная № {region}-{number}",
            "hostname": f"t{region}-{number}",
        },
        "primary": {
            "name": f"Первичная профсоюзная организация школы № {region}-{number}",
            "short_name": f"ППО школы № {region}-{number}",
            "hostname": f"p{region}-{number}",
            "address": "г. Курск, ул. Ленина, д. 1",
            "email": f"school{region}-{number}@example.org",
        },
    }[kind]
    return Organization(code=code, kind=kind, parent=parent, **fields)


def add_news(organization):
    """Two news items on a new site (one flagged for the parent's flow), renewing its
    freshness figures as publishing in the admin would."""
    index = NewsIndexPage.objects.child_of(organization.home_page).first()
    for number in range(2):
        add_published_child(
            index,
            NewsPage(
                title=f"Новость {number} — {organization.short_name}",
                slug=f"novost-{number}",
                lead="Коротко о событии.",
                show_in_parent_feed=number == 0,
            ),
            clean=False,
        )
    freshness_summary.refresh([organization.pk])


def grow(total, workers=1):
    """Enter the network of `total` organizations in the registry (what is missing of it),
    and onboard every organization without a site, two news items on each new site, by
    `workers` processes at once (`onboard_org --workers`)."""
    have = dict(Organization.objects.values_list("code", "pk"))
    for code, kind, parent, number in plan(total):
        if code not in have:
            entry = registry_entry(code, kind, parent and Organization(pk=have[parent]), number)
            entry.save()
            have[code] = entry.pk
    # Parents first: a build stopped halfway leaves whole regions that can be measured.
    order = {"regional": 0, "territorial": 1, "primary": 2}
    pending = sorted(
        Organization.objects.filter(site__isnull=True),
        key=lambda organization: (organization.code.split("-")[1][1:], order[organization.kind]),
    )
    started = time.perf_counter()
    outcomes = bulk.onboard_all(pending, workers=workers, then=add_news)
    for done, outcome in enumerate(outcomes, start=1):
        if outcome.error:
            print(f"  {outcome.label}: {outcome.error}", flush=True)
        if done % 500 == 0 or done == len(pending):
            rate = done / (time.perf_counter() - started)
            print(f"  onboarded {done} of {len(pending)} ({rate:.1f} a second)", flush=True)
    if pending:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would, soon after a bulk load


def timed(client, url, host, runs):
    """(median ms, queries) of `runs` requests of `url` on `host` after one to warm up."""
    client.get(url, HTTP_HOST=host)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, HTTP_HOST=host)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, host, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, HTTP_HOST=host)
    return statistics.median(timings), len(queries)


def cleared():
    """Every cache cold: Redis's database of this benchmark, and the process's own memory."""
    cache.clear()
    kept._memory.clear()


def regional_admin_client():
    ensure_regional_admins_group()
    admin, _ = get_user_model().objects.get_or_create(username="scale-regional-admin")
    admin.groups.add(Group.objects.get(name=REGIONAL_ADMINS))
    return client_past_second_factor(admin)


def measure(size, runs):
    """{figure: (ms, queries)} at this size."""
    figures = {}
    reader = Client()
    regional = Organization.objects.get(code=f"{PREFIX}-R00")
    primaries = list(
        Organization.objects.filter(kind="primary", site__isnull=False, parent__parent=regional)
        .select_related("site")
        .order_by("code")
    )
    primary = primaries[len(primaries) // 2]
    host = primary.site.hostname
    news = (
        NewsPage.objects.live()
        .child_of(NewsIndexPage.objects.child_of(primary.home_page).get())
        .first()
    )
    news_path = news.url_path[len(primary.home_page.url_path) - 1 :]
    reader.get("/", HTTP_HOST=regional.site.hostname)  # the process warm (templates, imports)
    cleared()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        reader.get("/", HTTP_HOST=host)
    figures["first request after the cache is cleared"] = (
        (time.perf_counter() - started) * 1000,
        len(queries),
    )
    # The regional home, cold: what every publish anywhere in the network (a new generation
    # of kept values, home/kept.py) costs its next reader.
    cleared()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        reader.get("/", HTTP_HOST=regional.site.hostname)
    figures["regional home after the cache is cleared"] = (
        (time.perf_counter() - started) * 1000,
        len(queries),
    )
    for label, url, on in [
        ("a primary's home", "/", host),
        ("a primary's news index", "/novosti/", host),
        ("a primary's news page", news_path, host),
        ("regional home (news of all organizations)", "/", regional.site.hostname),
        ("regional directory /organizatsii/", "/organizatsii/", regional.site.hostname),
        ("regional search of all sites", "/search/?q=новость&all=1", regional.site.hostname),
    ]:
        figures[label] = timed(reader, url, on, runs)
    admin = regional_admin_client()
    for label, url in [
        ("page explorer root, regional admin", "/admin/pages/"),
        ("admin home, regional admin", "/admin/"),
        ("freshness report, first page", "/admin/reports/freshness/"),
        ("registry list, first page", reverse("organizations:index")),
        ("user list, first page", "/admin/users/"),
        ("page chooser, root", "/admin/choose-page/"),
    ]:
        figures[label] = timed(admin, url, regional.site.hostname, max(3, runs // 2))
    parent = Organization.objects.filter(parent=regional).order_by("code").first()
    extra = Organization.objects.create(
        code=f"{PREFIX}-X{size:05d}-{int(time.time())}",
        name="Ещё одна первичная организация",
        short_name=f"Ещё одна {size}",
        kind="primary",
        parent=parent,
        hostname=f"x{size}-{int(time.time())}",
    )
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        onboard(extra)
    figures["one more onboarding"] = ((time.perf_counter() - started) * 1000, len(queries))
    served = list(
        Organization.objects.filter(site__isnull=False).select_related("site").order_by("?")[:3000]
    )
    for organization in served[:1000]:
        reader.get("/", HTTP_HOST=organization.site.hostname)
    gc.collect()
    figures["memory of this process (MB) after pages of up to 1,000 sites"] = (resident(), None)
    # And after as many more: what a worker keeps must not grow with the sites it serves.
    for organization in served[1000:]:
        reader.get("/", HTTP_HOST=organization.site.hostname)
    gc.collect()
    figures["memory after pages of up to 3,000 sites (MB)"] = (resident(), None)
    return figures


def resident():
    """This process's resident memory now, in MB (not its peak: a build may have run here)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--workers", type=int, default=2, help="onboarding processes")
    parser.add_argument("--build-only", action="store_true", help="build, do not measure")
    parser.add_argument(
        "--measure-only", action="store_true", help="measure what is built (a build halfway)"
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"{args.size:,} sites, database {connection.settings_dict['NAME']}", flush=True)
    started = time.perf_counter()
    if not args.measure_only:
        grow(args.size, args.workers)
    built = Organization.objects.filter(site__isnull=False).count()
    print(f"  {built:,} sites built ({time.perf_counter() - started:,.0f} s this run)")
    if args.build_only:
        return
    print(f"  load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    figures = measure(args.size, args.runs)
    for label, (value, queries) in figures.items():
        print(f"  {label}: {value:,.0f}" + (f" ms, {queries} queries" if queries else ""))
    if args.json:
        Path(args.json).write_text(json.dumps({"sites": built, "figures": figures}))


if __name__ == "__main__":
    main()
