"""The production stack under load and faults. Prints figures; not a test.

Against the running `make stack` (Varnish :8080 → gunicorn :8081, nginx :8082, PostgreSQL,
Redis), with URLs spread over every page of every site of the demo (the long tail):

1. cached req/s through Varnish, side by side with nginx serving the same home page's HTML as
   a static file (the reference; rounds alternate so the machine's noise hits both);
2. uncached req/s: the same URLs straight to gunicorn;
3. purge latency: an editor publishes a flagged news item in a primary organization; the time
   until it shows on its page, its site's home and feed, the territorial home (flow) and the
   regional home, all through the cache (median and max over the runs);
4. faults under load: readers through the cache and an editor publishing every 0.5 s while
   PostgreSQL restarts, Redis restarts, a gunicorn worker is killed and Varnish restarts;
   counts of 5xx answers, connection errors, and lost writes (a publish reported done whose
   page is not live afterwards).

    make stack
    .venv/bin/python benchmarks/stack.py [--duration 10] [--purges 10] [--no-faults]

Run as root on a machine whose PostgreSQL and Redis may be restarted (the fault part does).
"""

import argparse
import datetime
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STACK_DIR = ROOT / "var" / "stack"
PORT = int(os.environ.get("STACK_PORT", "8080"))
APP_PORT = int(os.environ.get("STACK_APP_PORT", "8081"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/profsites_stack")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sites.settings.production")
os.environ.setdefault("SECRET_KEY", (STACK_DIR / "secret_key").read_text().strip())
os.environ.setdefault("PAGE_CACHE_PURGE_URLS", f"http://127.0.0.1:{PORT}/")
os.environ.setdefault("PLATFORM_SITE_PORT", str(PORT))
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402

from directory.models import Organization  # noqa: E402
from news.models import NewsIndexPage, NewsPage  # noqa: E402

WRK_SCRIPT = """
local urls = {}
fivexx = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  for line in io.lines(args[1]) do
    local host, path = line:match("(%S+) (%S+)")
    table.insert(urls, {host, path})
  end
  math.randomseed(os.time() * 1000 + (tonumber(tostring({}):sub(8)) or 0) % 1000)
end
function request()
  local u = urls[math.random(#urls)]
  return wrk.format("GET", u[2], {Host = u[1]})
end
function response(status, headers, body)
  if status >= 500 then fivexx = fivexx + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("fivexx") end
  io.write(string.format("FIVEXX %d\\n", total))
end
"""


def wrk(base_url, url_file, duration, connections=16):
    """req/s, 5xx answers, connection errors of `wrk -t2` over the URLs in `url_file`."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            script.name,
            base_url,
            "--",
            url_file,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    fivexx = int(re.search(r"FIVEXX (\d+)", output).group(1))
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    socket_errors = sum(int(n) for n in errors.groups()) if errors else 0
    return rate, fivexx, socket_errors


def get(url, host, timeout=10):
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""


def long_tail():
    """(host, path) of every live page of every site, in the default language."""
    urls = []
    for site in Site.objects.select_related("root_page"):
        pages = Page.objects.live().descendant_of(site.root_page, inclusive=True)
        for page in pages.filter(locale__language_code="ru").only("url_path"):
            path = page.relative_url(site)
            if path:
                urls.append((site.hostname, path))
        urls.append((site.hostname, "/feed/"))
    return urls


def write_urls(urls):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("".join(f"{host} {path}\n" for host, path in urls))
    return handle.name


def static_reference(html):
    """nginx serving `html` as a static file on a port of its own: (url, stop)."""
    folder = Path(tempfile.mkdtemp(prefix="static-reference-"))
    folder.chmod(0o755)
    (folder / "index.html").write_text(html)
    (folder / "index.html").chmod(0o644)
    port = 8090
    conf = folder / "nginx.conf"
    conf.write_text(f"""worker_processes 1; pid {folder}/nginx.pid; error_log {folder}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; sendfile on; default_type text/html;
  client_body_temp_path {folder}/b; proxy_temp_path {folder}/p; fastcgi_temp_path {folder}/f;
  uwsgi_temp_path {folder}/u; scgi_temp_path {folder}/s;
  server {{ listen 127.0.0.1:{port}; root {folder};
    location / {{ try_files /index.html =404; }} }} }}
""")
    subprocess.run(["nginx", "-c", str(conf), "-p", str(folder)], check=True)
    time.sleep(0.5)

    def stop():
        subprocess.run(["nginx", "-c", str(conf), "-p", str(folder), "-s", "quit"], check=False)

    return f"http://127.0.0.1:{port}", stop


def publish_news(organization, title):
    index = NewsIndexPage.objects.child_of(organization.site.root_page).first()
    with transaction.atomic():
        news = index.add_child(
            instance=NewsPage(
                title=title,
                slug=f"bench-{time.time_ns()}",
                date=datetime.date.today(),
                lead="Замер скорости очистки кэша.",
                show_in_parent_feed=True,
                live=False,
            )
        )
        news.save_revision().publish()
    return news


def purge_latency(runs):
    primaries = list(
        Organization.objects.filter(kind="primary", site__isnull=False)
        .select_related("site", "parent__site", "parent__parent__site")
        .order_by("pk")[:runs]
    )
    base = f"http://127.0.0.1:{PORT}"
    times = []
    for n, primary in enumerate(primaries):
        watched = [
            (primary.site.hostname, "/"),
            (primary.site.hostname, "/feed/"),
            (primary.parent.site.hostname, "/"),
            (primary.parent.parent.site.hostname, "/"),
        ]
        for host, path in watched:  # cached before the change
            get(base + path, host)
        title = f"Замер очистки кэша {n} {time.time_ns()}"
        started = time.monotonic()
        news = publish_news(primary, title)
        watched.append((primary.site.hostname, news.relative_url(primary.site)))
        pending = set(watched)
        while pending and time.monotonic() - started < 30:
            for host, path in list(pending):
                if title in get(base + path, host)[1]:
                    pending.discard((host, path))
            time.sleep(0.01)
        times.append(time.monotonic() - started if not pending else float("inf"))
    return times


class Editor(threading.Thread):
    """Publishes a news item every 0.5 s, retrying through failures; remembers each publish
    reported done."""

    def __init__(self, organization):
        super().__init__(daemon=True)
        self.organization = organization
        self.done = []
        self.failures = 0
        self.stop = threading.Event()

    def run(self):
        from django.db import close_old_connections

        while not self.stop.is_set():
            title = f"Публикация под нагрузкой {time.time_ns()}"
            try:
                close_old_connections()
                self.done.append(publish_news(self.organization, title).pk)
            except Exception:  # noqa: BLE001 (the database restarting: the editor tries again)
                self.failures += 1
                from django.db import connection

                connection.close()
            self.stop.wait(0.5)


def restart_postgresql():
    cluster = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart"], check=True
    )


def restart_redis():
    subprocess.run(
        ["redis-cli", "-p", "6379", "shutdown", "nosave"], check=False, capture_output=True
    )
    time.sleep(1)
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "-::1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            "/var/lib/redis",
            "--logfile",
            "/var/log/redis/ci.log",
        ],
        check=True,
    )


def kill_a_worker():
    master = int((STACK_DIR / "gunicorn.pid").read_text())
    children = subprocess.run(
        ["pgrep", "-P", str(master)], capture_output=True, text=True
    ).stdout.split()
    os.kill(int(children[0]), signal.SIGKILL)


def restart_varnish():
    subprocess.run(
        ["bash", str(ROOT / "deploy" / "stack.sh"), "restart-varnish"],
        check=True,
        capture_output=True,
    )


def faults(url_file, duration):
    organization = Organization.objects.filter(kind="primary", site__isnull=False).last()
    editor = Editor(organization)
    editor.start()
    plan = [
        (0.15, "restart PostgreSQL", restart_postgresql),
        (0.35, "restart Redis", restart_redis),
        (0.55, "kill a gunicorn worker", kill_a_worker),
        (0.75, "restart Varnish", restart_varnish),
    ]
    result = {}

    def load():
        result["wrk"] = wrk(f"http://127.0.0.1:{PORT}", url_file, duration)

    reader = threading.Thread(target=load)
    started = time.monotonic()
    reader.start()
    for at, name, action in plan:
        time.sleep(max(0, started + at * duration - time.monotonic()))
        print(f"  t={time.monotonic() - started:5.1f} s  {name}", flush=True)
        action()
    reader.join()
    time.sleep(1)
    editor.stop.set()
    editor.join()
    from django.db import connection

    connection.close()  # PostgreSQL restarted under this one
    live = set(NewsPage.objects.filter(pk__in=editor.done, live=True).values_list("pk", flat=True))
    return result["wrk"], editor, len(set(editor.done) - live)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--purges", type=int, default=10)
    parser.add_argument("--fault-duration", type=int, default=40)
    parser.add_argument("--no-faults", action="store_true")
    args = parser.parse_args()

    urls = long_tail()
    url_file = write_urls(urls)
    print(f"{len(urls)} URLs on {len({h for h, _ in urls})} sites")
    for host, path in urls:  # warm the cache: every page once
        get(f"http://127.0.0.1:{PORT}{path}", host)

    territorial = Organization.objects.filter(kind="territorial", site__isnull=False).first()
    _, home_html = get(f"http://127.0.0.1:{PORT}/", territorial.site.hostname)
    reference_url, stop_reference = static_reference(home_html)
    cached, static = [], []
    try:
        for _ in range(args.rounds):
            static.append(wrk(reference_url, write_urls([("localhost", "/")]), args.duration)[0])
            cached.append(wrk(f"http://127.0.0.1:{PORT}", url_file, args.duration)[0])
    finally:
        stop_reference()
    uncached = [
        wrk(f"http://127.0.0.1:{APP_PORT}", url_file, args.duration)[0] for _ in range(args.rounds)
    ]
    print(f"cached through Varnish (long tail): {statistics.median(cached):9.0f} req/s")
    print(f"nginx, the same home as a file:     {statistics.median(static):9.0f} req/s")
    print(
        f"  cached / static: {statistics.median(cached) / statistics.median(static):.0%}"
        " (goal >= 50 %)"
    )
    print(f"uncached, gunicorn (long tail):     {statistics.median(uncached):9.1f} req/s")

    times = purge_latency(args.purges)
    print(
        f"purge: publish -> visible on the page, its home and feed, the parent's and the "
        f"regional flow: median {statistics.median(times):.2f} s, max {max(times):.2f} s "
        f"over {len(times)} publishes (goal max <= 2 s)"
    )
    print("  each: " + " ".join(f"{seconds:.2f}" for seconds in times))

    if not args.no_faults:
        print(f"faults under load ({args.fault_duration} s, editor publishing every 0.5 s):")
        (rate, fivexx, socket_errors), editor, lost = faults(url_file, args.fault_duration)
        print(
            f"  readers: {rate:.0f} req/s, {fivexx} answers 5xx, {socket_errors} connection errors"
        )
        print(
            f"  editor: {len(editor.done)} publishes done, {editor.failures} refused and retried, "
            f"{lost} lost writes"
        )


if __name__ == "__main__":
    main()
