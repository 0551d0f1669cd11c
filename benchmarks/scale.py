"""The network at several sizes: what a reader's page, the regional pages and the regional
admin cost as the number of sites grows, up to the national union's 30,000. Prints a table;
not a test.

Each size is built and measured by `benchmarks/scale_one.py` in a process and a PostgreSQL
database of its own (`profsites_scale_<N>`, production settings, Redis), so a size built once
is measured again in seconds by the code as it is now; a build is restartable. See that file
for the network's shape (85 regions at 30,000) and what each figure measures.

    .venv/bin/python benchmarks/scale.py --sizes 300 3000 30000
    .venv/bin/python benchmarks/scale.py --sizes 30000 --build-only   # build ahead (2 workers)
    .venv/bin/python benchmarks/scale.py --sizes 300 3000 30000 --measure-only

Each figure is the median server time of several requests (Django's test client: middleware,
view, templates and queries, no network), with its query count; the last column is the ratio
of the largest size to the smallest, beside the issue's goal for it.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

# The goals: (most ratio of the largest size to the smallest, limit at the largest size).
READER, ADMIN = (1.25, 50), (1.5, 300)
GOALS = {
    "first request after the cache is cleared": (None, 200),
    "regional home after the cache is cleared": (None, 200),
    "a primary's home": READER,
    "a primary's news index": READER,
    "a primary's news page": READER,
    "regional home (news of all organizations)": READER,
    "regional directory /organizatsii/": READER,
    "regional search of all sites": READER,
    "page explorer root, regional admin": ADMIN,
    "admin home, regional admin": ADMIN,
    "freshness report, first page": ADMIN,
    "registry list, first page": ADMIN,
    "user list, first page": ADMIN,
    "page chooser, root": ADMIN,
    "one more onboarding": (1.5, None),
    "memory of this process (MB) after pages of up to 1,000 sites": (None, 200),
    "memory after pages of up to 3,000 sites (MB)": (None, 200),
}


def run_size(size, runs, build_only, measure_only, workers):
    """(sites built, {figure: (value, queries)}) of one size, from its own process."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "figures.json"
        command = [sys.executable, str(HERE / "scale_one.py"), str(size), "--runs", str(runs)]
        command += ["--workers", str(workers)]
        command += ["--build-only"] if build_only else ["--json", str(out)]
        command += ["--measure-only"] if measure_only else []
        subprocess.run(command, check=True, env=os.environ)
        if build_only:
            return size, {}
        found = json.loads(out.read_text())
        return found["sites"], found["figures"]


def print_table(results):
    sizes = list(results)
    labels = list(results[sizes[0]])
    width = max(len(label) for label in labels)
    print()
    print(f"{'':{width}}  " + "  ".join(f"{size:>16,} sites" for size in sizes) + "   ratio  goal")
    for label in labels:
        cells = []
        for size in sizes:
            value, queries = results[size][label]
            cell = f"{value:,.0f}" + (" ms" if queries is not None else " MB")
            if queries is not None:
                cell += f" ({queries} q)"
            cells.append(f"{cell:>22}")
        ratio = results[sizes[-1]][label][0] / max(results[sizes[0]][label][0], 0.001)
        most, limit = GOALS.get(label, (None, None))
        goal = " ".join(
            part for part in (f"≤x{most}" if most else "", f"≤{limit}" if limit else "") if part
        )
        print(f"{label:{width}}  " + "  ".join(cells) + f"   x{ratio:.2f}  {goal}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 3000])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--workers", type=int, default=2, help="onboarding processes of a build")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="measure each size's database as it is (a build stopped halfway: the table "
        "names the sites it has)",
    )
    args = parser.parse_args()
    results = {}
    for size in sorted(args.sizes):
        sites, figures = run_size(size, args.runs, args.build_only, args.measure_only, args.workers)
        results[sites] = figures
    if not args.build_only:
        print_table(results)


if __name__ == "__main__":
    main()
