"""Every main page type is valid HTML by the Nu HTML Checker (vnu-jar from package.json, run with
Java): rendered through the test client, written to files, checked in one run of the checker."""

import json
import subprocess
from urllib.parse import unquote, urlsplit

import pytest
from django.test import RequestFactory

from sites.public import views as public
from sites.public.views import A11Y_COOKIE

from ..site_content import PAGES, ZHELEZNOGORSK, build_region
from ..tools import NODE_MODULES, VNU_JAR, require_java, require_node_file

pytestmark = pytest.mark.django_db

# name: (path, expected status, accessibility-mode cookie or None)
CHECKED = {
    **{name: (path, 200, None) for name, path in PAGES.items()},
    "404": ("/no-such-page/", 404, None),
    "offline": ("/offline/", 200, None),
    # The accessibility mode's panel, and images replaced by their alt text.
    "home-a11y": ("/", 200, "xlarge.wb.off"),
    "news-a11y": (PAGES["news"], 200, "large.blue.off"),
    "report-a11y": (PAGES["report"], 200, "normal.bw.on"),
    "form-a11y": (PAGES["form"], 200, "large.wb.on"),
    "event-a11y": (PAGES["event"], 200, "normal.blue.on"),
}


def vnu_errors(java, files):
    """The checker's errors, as (file name, line, column, message, extract), for all files."""
    result = subprocess.run(  # noqa: S603 (fixed arguments and our own files)
        [java, "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        report = json.loads(result.stderr or result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"the checker failed (exit {result.returncode}):\n{result.stderr[-2000:]}")
    return [
        (
            unquote(urlsplit(message.get("url", "")).path).rsplit("/", 1)[-1],
            message.get("lastLine"),
            message.get("firstColumn", message.get("lastColumn")),
            message.get("message", ""),
            (message.get("extract") or "").strip(),
        )
        for message in report.get("messages", [])
        if message.get("type") in ("error", "non-document-error")
    ]


def test_main_page_types_are_valid_html(client, settings, tmp_path):
    java = require_java()
    require_node_file(VNU_JAR)
    settings.DEBUG = False
    build_region()

    files = []
    for name, (path, status, mode) in CHECKED.items():
        client.cookies.clear()
        if mode:
            client.cookies[A11Y_COOKIE] = mode
        response = client.get(path, HTTP_HOST=ZHELEZNOGORSK)
        assert response.status_code == status, (name, path)
        html = response.text
        if mode:
            assert 'class="a11y ' in html, name
        file = tmp_path / f"{name}.html"
        file.write_text(html, encoding="utf-8")
        files.append(file)

    # The server error page, as handler500 serves it.
    server_error = public.server_error(RequestFactory().get("/", HTTP_HOST=ZHELEZNOGORSK))
    file = tmp_path / "500.html"
    file.write_bytes(server_error.content)
    files.append(file)

    errors = vnu_errors(java, files)
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(
        f"  {file}:{line}:{column}: {message}\n      {extract}"
        for file, line, column, message, extract in errors
    )


def test_a_missing_tool_fails_under_ci_and_skips_locally(monkeypatch):
    missing = NODE_MODULES / "no-such-package" / "tool.js"
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="cannot run in CI: .*make install"):
        require_node_file(missing)
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match="make install"):
        require_node_file(missing)
    monkeypatch.setenv("PATH", "")
    with pytest.raises(pytest.skip.Exception, match="java is missing"):
        require_java()
