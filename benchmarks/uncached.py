"""Uncached page views: our sites' pages rendered by the app, against bakerydemo's, in one run.

Goal: the home pages and the news index at least 5 times bakerydemo's home page in requests per
second, on the same machine in the same run, with no cache in front of either (the app renders
every page). Our URLs are spread over every site of the demo region, one picked at random per
request (the long tail of small sites: many sites, few views each), so no single site's warm
state flatters the figures. Each run follows a run of bakerydemo's home page, and the figures
are the medians of those pairs' ratios, of requests per second and of requests per CPU second
of the server's processes: the second hardly moves when other work shares the machine.

Serve both with gunicorn, 2 sync workers, DEBUG off (bakerydemo in its own venv; our static
files collected first, `manage.py collectstatic`), then run the script with our server's
database in the environment (it reads the sites and pages from it):

    export PROFSITES_VAR_DIR=/tmp/perf-var   # or DATABASE_URL=...; `seed_demo` filled it
    .venv/bin/python benchmarks/uncached.py \
        --bakerydemo-url http://127.0.0.1:8462 --app-url http://127.0.0.1:8461

or let it start both servers (and stop them at the end), from bakerydemo's checkout with its
own venv in `.venv`:

    .venv/bin/python benchmarks/uncached.py --start --bakerydemo-dir ../bakerydemo

Our server caches what it keeps (the site chrome) in Redis when REDIS_URL is set, as in
production, else in each process's memory. Needs wrk (`apt-get install wrk`) and, for the CPU
figures, Linux and `ss`. Other benchmarks reuse `wrk()`: any list of URLs, each request to one
of them at random, with its own Host header; and `check()`, `server_cpu_seconds()`.
"""

import argparse
import json
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent

# A wrk script: each request goes to a random one of TARGETS (path and Host header), and `done`
# prints the summary as one JSON line, so nothing has to be read from wrk's text report.
WRK_SCRIPT = """
local targets = %(targets)s
local counter = 0

function setup(thread)
    counter = counter + 1
    thread:set("seed", counter)
end

function init(args)
    math.randomseed(os.time() * 1000 + seed)
end

function request()
    local target = targets[math.random(#targets)]
    return wrk.format("GET", target[1], {["Host"] = target[2]})
end

function done(summary, latency, requests)
    local errors = summary.errors
    io.write(string.format(
        'WRK-JSON {"requests": %%d, "duration_us": %%d, "status_errors": %%d, '
        .. '"connect": %%d, "read": %%d, "write": %%d, "timeout": %%d, '
        .. '"latency_mean_us": %%f, "latency_p50_us": %%d, "latency_p99_us": %%d}\\n',
        summary.requests, summary.duration, errors.status,
        errors.connect, errors.read, errors.write, errors.timeout,
        latency.mean, latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class WrkResult:
    """One wrk run. `non_2xx` counts answers with a status of 400 or more (wrk's "status
    errors"; a redirect counts as a success: check the URLs first, `check()`);
    `socket_errors` are connect, read, write and timeout errors together."""

    requests: int
    seconds: float
    latency_mean_ms: float
    latency_p50_ms: float
    latency_p99_ms: float
    non_2xx: int
    socket_errors: int

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds else 0.0


def _host_header(url):
    return urlsplit(url).netloc


def wrk(urls, duration=10, connections=16, *, connect=None, threads=2):
    """Load `urls` with wrk for `duration` seconds over `connections` connections: each request
    to one of them picked at random, with the URL's own host (and port) as its Host header.

    `connect`: the server to send them all to ("http://127.0.0.1:8461"); by default the first
    URL's, so virtual hosts that don't resolve (kursk.localhost) need it. Returns a WrkResult."""
    urls = list(urls)
    if not urls:
        raise ValueError("wrk() needs at least one URL")
    base = connect or "{0.scheme}://{0.netloc}".format(urlsplit(urls[0]))
    targets = []
    for url in urls:
        parts = urlsplit(url)
        path = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), "/?=&%:@+")
        targets.append(f"{{{json.dumps(path)}, {json.dumps(parts.netloc)}}}")
    script = WRK_SCRIPT % {"targets": "{" + ",\n".join(targets) + "}"}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        completed = subprocess.run(  # noqa: S603 (wrk, with our own arguments)
            [
                shutil.which("wrk") or "/usr/bin/wrk",
                f"-t{min(threads, connections)}",
                f"-c{connections}",
                f"-d{duration}s",
                "--timeout",
                "10s",
                "-s",
                file.name,
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(file.name)
    line = next(
        (line for line in completed.stdout.splitlines() if line.startswith("WRK-JSON ")), None
    )
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{completed.stdout}\n{completed.stderr}")
    data = json.loads(line.removeprefix("WRK-JSON "))
    return WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        latency_mean_ms=data["latency_mean_us"] / 1000,
        latency_p50_ms=data["latency_p50_us"] / 1000,
        latency_p99_ms=data["latency_p99_us"] / 1000,
        non_2xx=data["status_errors"],
        socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
    )


def check(urls, *, connect=None, expect=200):
    """GET each of `urls` once (through `connect`, as `wrk()` does) and raise if any answers
    other than `expect`: a redirect to HTTPS or a 404 would otherwise be measured as a page.
    Also warms the server up a little."""
    for url in urls:
        parts = urlsplit(url)
        base = connect or f"{parts.scheme}://{parts.netloc}"
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = urllib.request.Request(base + path, headers={"Host": parts.netloc})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                status = response.status
                if response.geturl() != base + path:
                    status = 300  # followed a redirect
        except urllib.error.HTTPError as error:
            status = error.code
        if status != expect:
            raise RuntimeError(f"{url} (via {base}) answered {status}, not {expect}")


# --- Our URLs, from the database --------------------------------------------------------------


def our_urls(app_url, per_group=None):
    """{scenario: [URL, …]} for our server at `app_url`, every live public page of each kind
    over every site in the database the environment names (at most `per_group` of each)."""
    # Django only here: wrk() and check() are for any server, without this project's settings.
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sites.settings.test")
    import django

    django.setup()
    from directory.models import Organization
    from news.models import NewsIndexPage, NewsPage

    port = urlsplit(app_url).port
    scheme = urlsplit(app_url).scheme

    def url(page):
        site_id, root_url, path = page.get_url_parts()
        return f"{scheme}://{urlsplit(root_url).hostname}:{port}{path}"

    homes = {"territorial home": [], "regional home": [], "primary home": []}
    organizations = Organization.objects.filter(site__isnull=False).select_related("site")
    for organization in organizations.order_by("code"):
        homes[f"{organization.kind} home"].append(
            f"{scheme}://{organization.site.hostname}:{port}/"
        )
    scenarios = {
        **homes,
        "news index": [url(page) for page in NewsIndexPage.objects.live().public()],
        "news page": [url(page) for page in NewsPage.objects.live().public().defer_streamfields()],
    }
    return {name: urls[:per_group] for name, urls in scenarios.items() if urls}


# --- Starting the servers (--start) -----------------------------------------------------------


def environment(env):
    """This process's environment with `env`'s variables set, or removed where None."""
    merged = {**os.environ, **env}
    return {name: value for name, value in merged.items() if value is not None}


@contextmanager
def gunicorn(directory, module, port, env, workers=2):
    """A gunicorn of `directory`'s venv serving `module` on 127.0.0.1:`port` while in the block."""
    command = [
        str(Path(directory) / ".venv" / "bin" / "gunicorn"),
        module,
        f"--workers={workers}",
        f"--bind=127.0.0.1:{port}",
        "--no-control-socket",
    ]
    process = subprocess.Popen(  # noqa: S603
        command,
        cwd=directory,
        env=environment(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _attempt in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)  # noqa: S310
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError(f"gunicorn of {directory} did not answer on port {port}")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def start_servers(stack, bakerydemo_dir, app_port, bakerydemo_port):
    """Collect the static files of both projects and serve them, as production would."""
    ours = {
        "DJANGO_SETTINGS_MODULE": "sites.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "localhost,.localhost,127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    bakery = {
        "DJANGO_SETTINGS_MODULE": "bakerydemo.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        # As it ships, with its process-local cache and its own database, whatever ours use.
        "REDIS_URL": None,
        "DATABASE_URL": None,
    }
    for directory, env in ((ROOT, ours), (Path(bakerydemo_dir), bakery)):
        subprocess.run(  # noqa: S603
            [str(directory / ".venv" / "bin" / "python"), "manage.py", "collectstatic", "-v0"],
            cwd=directory,
            env=environment(env),
            check=True,
            input="yes\n",
            text=True,
        )
    app = stack.enter_context(gunicorn(ROOT, "sites.wsgi:application", app_port, ours))
    reference = stack.enter_context(
        gunicorn(bakerydemo_dir, "bakerydemo.wsgi:application", bakerydemo_port, bakery)
    )
    return app, reference


# --- The run ----------------------------------------------------------------------------------


def server_cpu_seconds(url):
    """CPU seconds the processes listening on `url`'s port (a gunicorn's master and workers,
    which share the socket) have used so far, or None where that can't be read (no `ss`, not
    Linux). Requests per CPU second hardly move when other work shares the machine; requests
    per second do."""
    port = urlsplit(url).port
    try:
        listing = subprocess.run(  # noqa: S603
            [shutil.which("ss") or "/usr/bin/ss", "-ltnpH", f"sport = :{port}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    pids = {int(pid) for pid in re.findall(r"pid=(\d+)", listing)}
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total if pids else None


@dataclass(frozen=True)
class Run:
    """A wrk run and the server's CPU seconds during it (None if unknown)."""

    wrk: WrkResult
    cpu_seconds: float | None

    @property
    def per_cpu_second(self):
        return self.wrk.requests / self.cpu_seconds if self.cpu_seconds else None


def measure(urls, server, duration, connections):
    before = server_cpu_seconds(server)
    result = wrk(urls, duration, connections, connect=server)
    after = server_cpu_seconds(server)
    cpu = after - before if before is not None and after is not None else None
    return Run(result, cpu)


def _ratio(ours, reference):
    return ours / reference if ours and reference else None


def _median(values):
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def _x(value):
    return f"{value:5.2f}x" if value is not None else "    -"


def _report(name, runs, pairs):
    rps = [run.wrk.rps for run in runs]
    per_cpu = _median(run.per_cpu_second for run in runs)
    non_2xx = sum(run.wrk.non_2xx for run in runs)
    errors = sum(run.wrk.socket_errors for run in runs)
    latest = runs[-1].wrk
    ratio = _median(pair[0] for pair in pairs)
    cpu_ratio = _median(pair[1] for pair in pairs)
    return (
        f"{name:<21} {statistics.median(rps):7.1f} {_x(ratio)}   "
        f"{per_cpu or 0:7.1f} {_x(cpu_ratio)}   p50 {latest.latency_p50_ms:6.1f} ms "
        f"p99 {latest.latency_p99_ms:6.1f} ms   non-2xx {non_2xx}, socket errors {errors}"
        f"   (req/s of the runs: {' '.join(f'{value:.1f}' for value in rps)})"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app-url", default="http://127.0.0.1:8461", help="our gunicorn")
    parser.add_argument("--bakerydemo-url", default="http://127.0.0.1:8462")
    parser.add_argument("--blog-path", default="/blog/wild-yeast/", help="bakerydemo's blog page")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each, alternating")
    parser.add_argument("--per-group", type=int, help="at most this many URLs of each kind")
    parser.add_argument("--only", nargs="*", help="only these of our scenarios, e.g. 'news page'")
    parser.add_argument("--start", action="store_true", help="start both servers, stop at the end")
    parser.add_argument("--bakerydemo-dir", help="bakerydemo's checkout, for --start")
    args = parser.parse_args()
    if args.start and not args.bakerydemo_dir:
        parser.error("--start needs --bakerydemo-dir")

    with ExitStack() as stack:
        app_url, reference_url = args.app_url, args.bakerydemo_url
        if args.start:
            app_url, reference_url = start_servers(
                stack,
                args.bakerydemo_dir,
                urlsplit(args.app_url).port,
                urlsplit(args.bakerydemo_url).port,
            )
        ours = our_urls(app_url, args.per_group)
        if args.only:
            ours = {name: urls for name, urls in ours.items() if name in args.only}
        scenarios = {
            "bakerydemo home": ([reference_url + "/"], reference_url),
            "bakerydemo blog page": ([reference_url + args.blog_path], reference_url),
            **{name: (urls, app_url) for name, urls in ours.items()},
        }
        for name, (urls, server) in scenarios.items():
            print(f"{name}: {len(urls)} URL(s), e.g. {urls[0]}", flush=True)
            check(urls, connect=server)
        for urls, server in scenarios.values():  # warm-up, not counted
            wrk(urls, 2, args.connections, connect=server)

        # Each scenario right after a run of bakerydemo's home page, and the pair's ratios
        # kept (of requests per second, and per CPU second): the medians of those ratios are
        # the figures, steadier on a busy machine than either side's own.
        runs = {name: [] for name in scenarios}
        pairs = {name: [] for name in scenarios}
        order = [name for name in scenarios if name != "bakerydemo home"]
        for round_number in range(args.rounds):
            random.shuffle(order)
            for name in order:
                reference = measure(*scenarios["bakerydemo home"], args.duration, args.connections)
                run = measure(*scenarios[name], args.duration, args.connections)
                runs["bakerydemo home"].append(reference)
                runs[name].append(run)
                pairs[name].append(
                    (
                        _ratio(run.wrk.rps, reference.wrk.rps),
                        _ratio(run.per_cpu_second, reference.per_cpu_second),
                    )
                )
                print(
                    f"  round {round_number + 1}: bakerydemo home {reference.wrk.rps:6.1f} "
                    f"req/s, {name} {run.wrk.rps:6.1f} req/s ({_x(pairs[name][-1][0])}, "
                    f"per CPU second {_x(pairs[name][-1][1])})",
                    flush=True,
                )

    print(
        f"\n{args.connections} connections, {args.duration} s a run, {args.rounds} round(s). "
        "req/s and requests per CPU second of the server (medians of the runs), each with its "
        "ratio to bakerydemo's home page (the median of the ratios to the run just before):\n"
        f"{'':<21} {'req/s':>7} {'ratio':>6}   {'req/CPU-s':>7} {'ratio':>6}"
    )
    for name, name_runs in runs.items():
        print(_report(name, name_runs, pairs[name]))


if __name__ == "__main__":
    main()
