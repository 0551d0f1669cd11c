"""The news digest (`manage.py send_news_digests`) for 300 sites and 10,000 subscribers, with a
reference run of 1,000 subscribers side by side in the same process: the time of each, per
letter, and the ratio of the two per letter (the digest reads news per site, not per reader;
each letter is rendered, and logged, on its own). Prints its figures; not a test.

It runs on the 300-site network of `benchmarks/scale.py` (PostgreSQL, production settings),
which it builds first if it is missing, and leaves it as it found it (the subscriptions and
the log it makes are deleted). Letters go to Django's dummy e-mail backend: the time is the
platform's, not a mail server's.

    .venv/bin/python benchmarks/digest.py [--subscribers 10000] [--reference 1000]
"""

import argparse
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SIZE = 300
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/profsites_scale_{SIZE}")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/12")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sites.settings.production")
os.environ.setdefault("SECRET_KEY", "digest-benchmark-not-secret-" + "x" * 30)
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,.localhost,127.0.0.1")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"


def ensure_network():
    """The 300-site network, built by scale.py (its own process) unless it is there."""
    import psycopg  # noqa: PLC0415 (before Django: nothing may connect to it yet)

    url = os.environ["DATABASE_URL"]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        name = url.rsplit("/", 1)[1]
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if not found:
        command = [sys.executable, str(HERE / "scale.py"), "--sizes", str(SIZE), "--build-only"]
        subprocess.run(command, check=True)  # noqa: S603 (our own script)


ensure_network()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Max, Min  # noqa: E402
from wagtail.models import Site  # noqa: E402

from news.models import NewsPage  # noqa: E402
from newsletters import digest  # noqa: E402
from newsletters.models import DigestSend, Subscription  # noqa: E402


def subscribe(count, sites, since):
    """`count` confirmed daily subscriptions, round the sites, one in four with the flow."""
    Subscription.objects.bulk_create(
        [
            Subscription(
                site=sites[n % len(sites)],
                email=f"reader{n}@example.org",
                frequency=Subscription.Frequency.DAILY,
                with_organizations=n % 4 == 0,
                confirmed_at=since,
                sent_until=since,
            )
            for n in range(count)
        ],
        batch_size=2000,
    )


def timed_run(count, sites, since, now):
    Subscription.objects.all().delete()
    DigestSend.objects.all().delete()
    subscribe(count, sites, since)
    queries = [0]

    def counted(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(counted):
        summary = digest.run(now=now)
    seconds = time.perf_counter() - started
    return seconds, queries[0], summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--reference", type=int, default=1_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    sites = list(Site.objects.select_related("root_page").order_by("pk"))
    news = NewsPage.objects.live().aggregate(
        first=Min("first_published_at"), last=Max("first_published_at")
    )
    since = news["first"] - timedelta(seconds=1)
    now = max(news["last"], since + timedelta(days=1)) + timedelta(minutes=1)
    print(
        f"{len(sites)} sites, {NewsPage.objects.live().count()} news items, load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    try:
        timed_run(20, sites, since, now)  # warm: templates compiled, connections open
        rows = []
        for count in (args.reference, args.subscribers):
            seconds, queries, summary = timed_run(count, sites, since, now)
            rows.append((count, seconds, queries, summary))
            print(
                f"  {count:>6,} subscribers: {seconds:6.1f} s, {summary.sent:,} letters "
                f"({1000 * seconds / max(summary.sent, 1):.1f} ms each), {queries:,} queries "
                f"({queries / max(summary.sent, 1):.1f} a letter), {summary.failed} failed",
                flush=True,
            )
        (small, small_s, _, small_sum), (large, large_s, _, large_sum) = rows
        ratio = (large_s / max(large_sum.sent, 1)) / (small_s / max(small_sum.sent, 1))
        print(f"  time per letter, {large:,} against {small:,} subscribers: ×{ratio:.2f}")
    finally:
        Subscription.objects.all().delete()
        DigestSend.objects.all().delete()


if __name__ == "__main__":
    main()
