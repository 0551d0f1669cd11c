"""How long the registry import takes on a generated export of N rows (2,000 by default).

Run it against a scratch database only: it migrates the database named by DATABASE_URL, then
creates, re-imports and changes N organizations with codes starting "BENCH-" and, unless
--keep is given, deletes them at the end. For example:

    createdb -h 127.0.0.1 -U postgres profsites_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/profsites_bench \\
        .venv/bin/python benchmarks/import_orgs.py --rows 2000

It prints, for each pass (dry run, first import, same file again, a tenth of the rows
changed), the wall time, the rows per second, the database queries and the summary.
"""

import argparse
import csv
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sites.settings.dev")

PREFIX = "BENCH"


def generate(rows, regional_code, *, changed_every=0):
    """A registry export as Excel saves it in Russia: cp1251, semicolons, CRLF. One territorial
    organization for every 50 rows, the rest primaries under them; children come first."""
    territorials = max(1, rows // 50)
    primaries = rows - territorials - (regional_code is None)
    lines = []
    for n in range(primaries):
        parent = f"{PREFIX}-{n % territorials:03d}"
        members = 20 + n % 180
        if changed_every and n % changed_every == 0:
            members += 1
        lines.append(
            [
                f"{parent}-{n:05d}",
                f"Первичная профсоюзная организация МБОУ «Средняя школа № {n}»",
                f"ППО школы № {n}",
                "primary",
                parent,
                f"Район № {n % territorials}",
                f"307{n % 1000:03d}, с. Большое, ул. Школьная, д. {n % 90 + 1}",
                f"+7 (47{n % 100:02d}) 2-{n % 100:02d}-{n % 77:02d}",
                f"school{n}@bench.example",
                "Иванова Мария Петровна",
                f"{members:,}".replace(",", "\u00a0"),
                f"bench-school-{n}" if n % 3 == 0 else "",
            ]
        )
    top = regional_code or f"{PREFIX}-REG"
    for t in range(territorials):
        lines.append(
            [
                f"{PREFIX}-{t:03d}",
                f"Районная организация № {t} Профсоюза",
                f"Районная № {t}",
                "territorial",
                top,
                f"Район № {t}",
                "",
                "",
                f"district{t}@bench.example",
                "Петров Пётр Петрович",
                "1 200",
                f"bench-district-{t}",
            ]
        )
    if regional_code is None:
        lines.append([top, "Областная организация Профсоюза", "Областная", "regional"] + [""] * 8)
    buffer = io.StringIO()
    from directory.registry_file import COLUMNS

    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows([COLUMNS, *lines])
    return buffer.getvalue().encode("cp1251")


def measure(label, data, **options):
    from django.db import connection, reset_queries

    from directory.importing import import_file

    reset_queries()
    started = time.perf_counter()
    result = import_file(data, **options)
    elapsed = time.perf_counter() - started
    queries = len(connection.queries)
    print(
        f"{label:<28} {elapsed:7.2f} s  {result.total / elapsed:7.0f} строк/с  "
        f"{queries:6d} запросов  {result.summary()}"
    )
    for error in result.errors[:5]:
        print(f"    {error}")
    return result


def cleanup():
    from directory.models import Organization

    benchmark = Organization.objects.filter(code__startswith=f"{PREFIX}-")
    for kind in ("primary", "territorial", "regional"):
        benchmark.filter(kind=kind).delete()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="leave the generated rows in place")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL to a scratch database (see the docstring).")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from directory.models import Organization

    settings.DEBUG = True  # count the queries
    call_command("migrate", verbosity=0)
    cleanup()
    existing = Organization.objects.filter(kind="regional").first()
    regional_code = existing.code if existing else None
    data = generate(args.rows, regional_code)
    print(
        f"{connection.vendor} {connection.settings_dict['NAME']}: файл {len(data) / 1024:.0f} КБ,"
        f" {args.rows} строк"
    )
    try:
        measure("проверка (dry run)", data, dry_run=True)
        measure("первый импорт", data)
        measure("тот же файл ещё раз", data)
        changed = generate(args.rows, regional_code, changed_every=10)
        measure("изменена каждая 10-я строка", changed)
    finally:
        if not args.keep:
            cleanup()


if __name__ == "__main__":
    main()
