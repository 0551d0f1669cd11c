"""deploy/varnish/profsites.vcl in a real Varnish, in front of an origin the test controls:
what is kept, what splits the cache, the soft purge by tag, and the last good copy while the
origin fails or is gone."""

import http.client
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .varnish import Varnish, free_port


class Origin(ThreadingHTTPServer):
    """Answers every GET with a page tagged `xkey`, counting the requests it gets; `mode` makes
    it fail ("error": 500, "down" after `close()`), `healthy` drives /healthz/."""

    daemon_threads = True

    def __init__(self, port):
        super().__init__(("127.0.0.1", port), Handler)
        self.requests = []
        self.mode = "ok"
        self.healthy = True
        self.version = 1
        self.cache_control = "public, max-age=0, s-maxage=3600"
        self.set_cookie = False


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        origin = self.server
        if self.path == "/healthz/":
            self.send_response(200 if origin.healthy else 503)
            self.end_headers()
            return
        origin.requests.append((self.path, self.headers.get("Cookie")))
        if origin.mode == "error":
            self.send_response(500)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"Traceback: boom")
            return
        body = f"version {origin.version} of {self.path} cookie={self.headers.get('Cookie')}"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Cache-Control", origin.cache_control)
        self.send_header("xkey", "all s1 p7")
        if origin.set_cookie:
            self.send_header("Set-Cookie", "csrftoken=abc; Path=/")
        self.end_headers()
        self.wfile.write(body.encode())

    do_POST = do_GET


@pytest.fixture(scope="module")
def origin():
    server = Origin(free_port())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def cache(origin):
    varnish = Varnish(origin.server_address[1]).start()
    yield varnish
    varnish.stop()


@pytest.fixture(autouse=True)
def _reset(origin, cache):
    origin.mode, origin.healthy, origin.version, origin.set_cookie = "ok", True, 1, False
    origin.cache_control = "public, max-age=0, s-maxage=3600"
    cache.purge("all", hard=True)
    origin.requests.clear()
    yield


def fetches(origin, path):
    return sum(1 for requested, _ in origin.requests if requested == path)


def test_a_public_answer_is_kept_and_tags_stay_inside(cache, origin):
    status, headers, body = cache.get("/novosti/")
    assert (status, headers["X-Cache"]) == (200, "MISS")
    status, headers, again = cache.get("/novosti/")
    assert (headers["X-Cache"], again) == ("HIT", body)
    assert fetches(origin, "/novosti/") == 1
    assert "xkey" not in headers  # the tags are the cache's, not the readers'
    assert headers["Cache-Control"] == "no-cache"  # browsers ask again; the cache answers


def test_sessions_admin_documents_and_posts_pass(cache, origin):
    for path, cookie in [
        ("/novosti/", "sessionid=abc"),
        ("/admin/pages/", None),
        ("/documents/5/otchet.pdf", None),
    ]:
        cache.get(path, cookie=cookie)
        cache.get(path, cookie=cookie)
        assert fetches(origin, path) == 2, path
    cache.get("/form/", method="POST")
    cache.get("/form/", method="POST")
    assert fetches(origin, "/form/") == 2
    # The session's request left nothing a reader without one would get.
    status, headers, _ = cache.get("/novosti/")
    assert headers["X-Cache"] == "MISS"


def test_answers_that_set_a_cookie_or_are_private_are_not_kept(cache, origin):
    origin.set_cookie = True
    cache.get("/with-cookie/")
    cache.get("/with-cookie/")
    assert fetches(origin, "/with-cookie/") == 2
    origin.set_cookie = False
    origin.cache_control = "private"
    cache.get("/private/")
    cache.get("/private/")
    assert fetches(origin, "/private/") == 2


def test_the_accessibility_cookie_splits_the_cache_and_no_other_does(cache, origin):
    _, _, normal = cache.get("/")
    _, headers, tracked = cache.get("/", cookie="_ym_uid=123; csrftoken=x")
    assert (headers["X-Cache"], tracked) == ("HIT", normal)
    assert "cookie=None" in normal  # the origin got no cookie for the normal version
    seen = {normal}
    for scheme in ("bw", "wb", "blue"):
        _, headers, body = cache.get("/", cookie=f"_ga=1; a11y=large.{scheme}.on")
        assert headers["X-Cache"] == "MISS"
        assert f"cookie=a11y=large.{scheme}.on" in body  # only the mode reaches the app
        seen.add(body)
        _, headers, again = cache.get("/", cookie=f"a11y=large.{scheme}.on; _ym_uid=9")
        assert (headers["X-Cache"], again) == ("HIT", body)
    assert len(seen) == 4
    # A value the mode does not know is the normal version.
    _, headers, body = cache.get("/", cookie="a11y=huge.red.on")
    assert (headers["X-Cache"], body) == ("HIT", normal)


def test_a_soft_purge_renews_the_copy_at_once_while_the_origin_answers(cache, origin):
    cache.get("/news/")
    origin.version = 2
    status, _, body = cache.purge("p7")
    assert status == 200
    # The first reader after the purge may get the old copy while it is renewed behind it.
    _, headers, body = cache.get("/news/")
    assert "version 2" in body or headers["X-Cache"] == "STALE"
    deadline = time.monotonic() + 1
    while "version 2" not in cache.get("/news/")[2]:
        assert time.monotonic() < deadline, "not renewed within a second"
        time.sleep(0.02)
    assert fetches(origin, "/news/") == 2
    status, _, _ = cache.get("/", method="PURGE")  # without tags
    assert status == 400


def test_a_failing_origin_gets_the_last_good_copy_not_its_error(cache, origin):
    cache.get("/news/")
    cache.purge("p7")  # purged: no longer fresh, but kept for this
    origin.mode = "error"
    status, headers, body = cache.get("/news/")
    assert (status, "version 1" in body) == (200, True)
    assert headers["X-Cache"] == "STALE"
    assert "Traceback" not in body


def test_an_origin_gone_gets_the_last_good_copy_and_a_russian_503_for_the_rest(cache, origin):
    cache.get("/news/")
    cache.purge("all")
    origin.healthy = False
    try:
        time.sleep(1.5)  # the probe notices (every 200 ms; slower on a busy machine)
        asked = fetches(origin, "/news/")
        status, headers, body = cache.get("/news/")
        assert (status, "version 1" in body) == (200, True)
        assert fetches(origin, "/news/") == asked  # a sick origin is not asked
        status, headers, body = cache.get("/never-seen/")
        assert status == 503
        assert headers["Retry-After"] == "30"
        assert "Сайт временно недоступен" in body
        status, headers, body = cache.get("/admin/")  # editors too: Russian, no traceback
        assert status == 503 and "Сайт временно недоступен" in body
    finally:
        origin.healthy = True  # the next tests need it, whatever happened here
        time.sleep(1.5)


def test_a_purge_from_an_address_not_allowed_is_refused(cache, origin):
    cache.get("/news/")
    connection = http.client.HTTPConnection(
        "127.0.0.1", cache.port, timeout=5, source_address=("127.0.0.2", 0)
    )
    connection.request("PURGE", "/", headers={"xkey-purge": "all", "Host": "localhost"})
    assert connection.getresponse().status == 403
    connection.close()
    _, headers, _ = cache.get("/news/")
    assert headers["X-Cache"] == "HIT"
