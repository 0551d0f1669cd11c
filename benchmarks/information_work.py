"""«Информационная работа за год», the presidium's XLSX (sites/infowork/yearly.py), for 2,000
organizations of the 3,000-site network of `benchmarks/scale.py`, beside a reference run for
200 of them in the same process, and beside the freshness report's XLSX export of the same
2,000 (a workbook of one table, the admin's most used download). Each organization is given
two social partners and a letter with its report (in a transaction rolled back at the end:
the database is left as found). Prints the medians and the ratios; not a test.

    .venv/bin/python benchmarks/information_work.py [--runs 5]
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
SIZE = 3000
os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/profsites_scale_{SIZE}")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sites.settings.production")
os.environ.setdefault("SECRET_KEY", "infowork-benchmark-not-secret-" + "x" * 30)
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,.localhost,127.0.0.1")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from directory.models import Organization  # noqa: E402
from partners.models import ReportSending, SocialPartner  # noqa: E402
from reports.models import PublicReportPage  # noqa: E402
from sites.freshness import exports  # noqa: E402
from sites.freshness import status as freshness  # noqa: E402
from sites.freshness.public_reports import default_report_year  # noqa: E402
from sites.infowork import yearly  # noqa: E402


def organizations(count):
    kinds = [Organization.Kind.TERRITORIAL, Organization.Kind.PRIMARY]
    pks = Organization.objects.filter(kind__in=kinds).order_by("code").values("pk")[:count]
    return Organization.objects.filter(pk__in=list(pks.values_list("pk", flat=True)))


def with_partners(selected, year):
    """Two partners of each organization and a letter with a report to the first."""
    report = PublicReportPage.objects.first()
    partners = SocialPartner.objects.bulk_create(
        SocialPartner(organization=org, name=f"Партнёр {n}", email=f"p{n}-{org.pk}@example.org")
        for org in selected
        for n in range(2)
    )
    if report is not None:
        ReportSending.objects.bulk_create(
            ReportSending(
                report=report,
                organization_id=partner.organization_id,
                partner=partner,
                partner_name=partner.name,
                email=partner.email,
                year=year,
                ok=True,
            )
            for partner in partners[::2]
        )


def timed(work, runs):
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            work()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    return statistics.median(times), queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    year = default_report_year()
    with transaction.atomic():
        big, small = organizations(2000), organizations(200)
        with_partners(list(big), year)

        def workbook(selected):
            return lambda: yearly.write_workbook(io.BytesIO(), year, selected)

        def freshness_xlsx():
            rows = list(freshness.rows(big))
            exports.write_xlsx(rows, io.BytesIO())

        figures = {
            "yearly XLSX, 2,000 organizations": timed(workbook(big), args.runs),
            "yearly XLSX, 200 organizations (reference)": timed(workbook(small), args.runs),
            "freshness XLSX, 2,000 organizations (reference)": timed(freshness_xlsx, args.runs),
        }
        transaction.set_rollback(True)
    print(f"Информационная работа за {year} год, {SIZE:,}-site network, {args.runs} runs")
    for label, (ms, queries) in figures.items():
        print(f"  {label:<50} {ms:8.0f} ms  {queries:3d} queries")
    main_ms = figures["yearly XLSX, 2,000 organizations"][0]
    print(f"  ratio to 200 organizations: ×{main_ms / figures[list(figures)[1]][0]:.1f}")
    print(f"  ratio to the freshness XLSX: ×{main_ms / figures[list(figures)[2]][0]:.2f}")


if __name__ == "__main__":
    main()
