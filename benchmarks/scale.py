"""The network at several sizes: what a reader's page, the regional pages and the regional
admin cost as the number of sites grows. Prints a table; not a test.

Builds, on PostgreSQL with the production settings and Redis, a region by the platform's own
onboarding (`sites.onboarding.services.onboard`, as the registry's "onboard all" runs it):
one regional organization, territorial ones in the national union's proportion (2,000 of
30,000 organizations: one in fifteen) and primary ones below them, each site with two news
items (one flagged for the parent's flow). It grows to each size in turn and measures there,
so the figures of all sizes come from one run. Restartable: a second run onboards only what is
missing, and measures again.

Each figure is the median server time (Django's test client: middleware, view, templates and
queries, no network) of several requests, with its query count:

- a primary organization's home page, news index and news page (one in the middle of the
  registry, a different one at each size);
- the regional home page (the organizations' news flow), the regional directory
  (`/organizatsii/`) and the regional search of all sites (`/search/?all=1`);
- as a regional admin: the page explorer's root, the admin home, the freshness report's first
  page;
- the first request after the cache is cleared (a primary's home page: Wagtail's and the
  platform's kept values all cold);
- one more onboarding;
- the memory of this process (its peak resident set) after serving the home pages of up to
  1,000 different sites.

    createdb -h 127.0.0.1 -U postgres profsites_scale   # or let the script make it
    .venv/bin/python benchmarks/scale.py --sizes 300 3000

Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/profsites_scale),
REDIS_URL (default redis://127.0.0.1:6379/6, a database of its own: the script clears it).

The registry allows one regional organization (a database constraint), so the network built
here is one region of N organizations, not the national union's 85 regions.
"""

import argparse
import gc
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/profsites_scale")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")
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
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from directory.models import Organization  # noqa: E402
from home import kept  # noqa: E402
from news.models import NewsIndexPage, NewsPage  # noqa: E402
from sites.network.building import add_published_child  # noqa: E402
from sites.network.roles import REGIONAL_ADMINS, ensure_regional_admins_group  # noqa: E402
from sites.onboarding.services import onboard  # noqa: E402

PREFIX = "SC"
TERRITORIAL_SHARE = 15  # one organization in fifteen: 2,000 of the union's 30,000


def registry_code(kind, number):
    return f"{PREFIX}-{kind[0].upper()}{number:05d}"


def grow(total):
    """Onboard organizations until there are `total` with a site, in the proportions above,
    each primary under the territorial ones in turn; two news items on each new site."""
    regional = Organization.objects.filter(kind="regional").first()
    if regional is None:
        regional = Organization.objects.create(
            code=f"{PREFIX}-46",
            name="Региональная организация",
            short_name="Региональная",
            kind="regional",
        )
    territorials = max(1, total // TERRITORIAL_SHARE)
    for number in range(territorials):
        Organization.objects.get_or_create(
            code=registry_code("territorial", number),
            defaults={
                "name": f"Территориальная организация № {number}",
                "short_name": f"Территориальная № {number}",
                "kind": "territorial",
                "parent": regional,
                "hostname": f"t{number}",
            },
        )
    parents = list(Organization.objects.filter(kind="territorial").order_by("code"))
    primaries = total - 1 - len(parents)
    for number in range(primaries):
        Organization.objects.get_or_create(
            code=registry_code("primary", number),
            defaults={
                "name": f"Первичная профсоюзная организация школы № {number}",
                "short_name": f"ППО школы № {number}",
                "kind": "primary",
                "parent": parents[number % len(parents)],
                "hostname": f"p{number}",
                "address": "г. Курск, ул. Ленина, д. 1",
                "email": f"school{number}@example.org",
            },
        )
    pending = list(Organization.objects.filter(site__isnull=True).order_by("kind", "code"))
    started = time.perf_counter()
    for done, organization in enumerate(pending, start=1):
        onboard(organization)
        organization.refresh_from_db()
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
        if done % 250 == 0 or done == len(pending):
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
    client = Client()
    client.force_login(admin)
    # Past the second factor too, as after entering a code (required of regional admins).
    device = TOTPDevice.objects.filter(user=admin, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=admin, name="benchmark", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def measure(size, runs):
    """{figure: (ms, queries)} at this size."""
    figures = {}
    reader = Client()
    regional = Organization.objects.get(kind="regional")
    primaries = list(
        Organization.objects.filter(kind="primary", site__isnull=False)
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
    ]:
        figures[label] = timed(admin, url, regional.site.hostname, max(3, runs // 2))
    parent = Organization.objects.filter(kind="territorial").order_by("code").first()
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
    for organization in primaries[:1000]:
        reader.get("/", HTTP_HOST=organization.site.hostname)
    gc.collect()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["memory of this process (MB) after pages of up to 1,000 sites"] = (peak, None)
    return figures


def print_table(results):
    sizes = list(results)
    labels = list(results[sizes[0]])
    width = max(len(label) for label in labels)
    print()
    print(f"{'':{width}}  " + "  ".join(f"{size:>16,} sites" for size in sizes))
    for label in labels:
        cells = []
        for size in sizes:
            value, queries = results[size][label]
            cell = f"{value:,.0f}" + (" ms" if queries is not None else " MB")
            if queries is not None:
                cell += f" ({queries} q)"
            cells.append(f"{cell:>22}")
        ratio = results[sizes[-1]][label][0] / max(results[sizes[0]][label][0], 0.001)
        print(f"{label:{width}}  " + "  ".join(cells) + f"   x{ratio:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 3000])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; cache: Redis")
    results = {}
    for size in sorted(args.sizes):
        have = Organization.objects.filter(site__isnull=False).count()
        if have > size:
            print(f"{size} sites: the database already has {have}; skipped (use a fresh one)")
            continue
        print(f"growing to {size} organizations with a site…", flush=True)
        grow(size)
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
        results[size] = measure(size, args.runs)
        for label, (value, queries) in results[size].items():
            print(f"  {label}: {value:,.0f}" + (f" ms, {queries} queries" if queries else ""))
    if results:
        print_table(results)


if __name__ == "__main__":
    main()
