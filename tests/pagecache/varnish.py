"""A real Varnish for the tests, running deploy/varnish/profsites.vcl in front of a backend of
the test's (pytest-django's live server, or a small origin a test controls)."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "varnish"

BACKENDS = """
backend app {{
    .host = "127.0.0.1";
    .port = "{app_port}";
    .probe = {{
        .request = "GET /healthz/ HTTP/1.1" "Host: localhost" "Connection: close";
        .interval = 200ms;
        .timeout = 1s;
        .window = 2;
        .threshold = 1;
        .initial = 1;
    }}
}}
backend files {{
    .host = "127.0.0.1";
    .port = "{files_port}";
}}
acl purgers {{
    "127.0.0.1";
}}
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def varnishd_or_skip():
    path = shutil.which("varnishd") or (
        "/usr/sbin/varnishd" if os.path.exists("/usr/sbin/varnishd") else None
    )
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "varnishd is missing: .ci/run installs Debian's varnish and varnish-modules"
            )
        pytest.skip("varnishd is not installed (apt-get install varnish varnish-modules)")
    return path


class Varnish:
    def __init__(self, app_port, files_port=None):
        self.binary = varnishd_or_skip()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workdir = Path(tempfile.mkdtemp(prefix="varnish-test-"))
        self.workdir.chmod(0o755)  # the VCL compiler runs as Varnish's own unprivileged user
        (self.workdir / "backends.vcl").write_text(
            BACKENDS.format(app_port=app_port, files_port=files_port or app_port)
        )
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 (our own command line)
            [
                self.binary,
                "-F",
                "-a",
                f"127.0.0.1:{self.port}",
                "-T",
                "127.0.0.1:0",
                "-n",
                str(self.workdir / "state"),
                "-p",
                f"vcl_path={self.workdir}:{DEPLOY}",
                "-f",
                str(DEPLOY / "profsites.vcl"),
                "-s",
                "malloc,64m",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"varnishd exited: {self.process.stderr.read().decode()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("varnishd did not start listening")
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def get(self, path, host="localhost", cookie=None, method="GET", headers=None):
        """(status, headers, body text) of a request through the cache."""
        request = urllib.request.Request(self.url + path, method=method)  # noqa: S310
        request.add_header("Host", host)
        if cookie:
            request.add_header("Cookie", cookie)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def purge(self, *tags, hard=False):
        headers = {"xkey-purge": " ".join(tags)}
        if hard:  # between tests: nothing of the last test's world may come back as stale
            headers["xkey-purge-mode"] = "hard"
        return self.get("/", method="PURGE", headers=headers)
