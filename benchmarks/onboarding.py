"""Onboarding speed: one organization, then `onboard_org --all-without-site` for N primaries.

Goal: one onboarding within 1 s; 300 primary organizations within 60 s, on
PostgreSQL on a 2-core machine. Run it against a scratch database; it migrates it and adds
organizations with codes starting "BENCH-":

    createdb profsites_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/profsites_bench \
        .venv/bin/python benchmarks/onboarding.py --primaries 300
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sites.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from directory.models import Organization  # noqa: E402
from sites.onboarding import services as onboarding  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--primaries", type=int, default=300)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")

    regional = Organization.objects.filter(kind="regional").first() or Organization.objects.create(
        code="BENCH-46", name="Региональная (бенчмарк)", short_name="Региональная", kind="regional"
    )
    run = int(time.time())
    territorial = Organization.objects.create(
        code=f"BENCH-{run}",
        name="Территориальная (бенчмарк)",
        short_name=f"Территориальная {run}",
        kind="territorial",
        parent=regional,
    )
    Organization.objects.bulk_create(
        Organization(
            code=f"BENCH-{run}-{n:04d}",
            name=f"Первичная организация школы № {n} (бенчмарк)",
            short_name=f"ППО СОШ № {n}",  # short names repeat across runs: unique names needed
            kind="primary",
            parent=territorial,
            address="г. Курск, ул. Ленина, д. 1",
            phone="+7 (4712) 00-00-00",
            email=f"school{n}@example.org",
        )
        for n in range(args.primaries)
    )
    onboarding.site_template()  # made once, on first use

    started = time.perf_counter()
    onboarding.onboard(territorial, editors=["bench-editor@example.org"])
    single = time.perf_counter() - started
    print(f"one onboarding (territorial, with an editor): {single:.3f} s")

    pending = list(onboarding.without_site(kind="primary", parent=territorial))
    timings = []
    started = time.perf_counter()
    template = onboarding.TemplateSnapshot.take()  # as `onboard_org --all-without-site` does
    for organization in pending:
        t0 = time.perf_counter()
        onboarding.onboard(organization, template=template)
        timings.append(time.perf_counter() - t0)
    total = time.perf_counter() - started
    print(
        f"--all-without-site for {len(pending)} primary organizations: {total:.1f} s "
        f"(median {statistics.median(timings):.3f} s, max {max(timings):.3f} s per organization; "
        f"median of the first 50 {statistics.median(timings[:50]):.3f} s, "
        f"of the last 50 {statistics.median(timings[-50:]):.3f} s)"
    )


if __name__ == "__main__":
    main()
