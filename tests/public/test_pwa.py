"""Each site installs as its own web app (manifest, icons) and stays readable offline through
a service worker served from its root, with an offline page in the site's design."""

import io
import json

import pytest
from PIL import Image

from ..shared_region import module_region
from ..site_content import RYLSK, ZHELEZNOGORSK, build_region

pytestmark = pytest.mark.django_db


region = module_region(build_region)


def manifest(client, host):
    response = client.get("/manifest.webmanifest", HTTP_HOST=host)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    return json.loads(response.content)


def test_each_site_has_its_own_manifest(client, region):
    for host, key in [(ZHELEZNOGORSK, "zheleznogorsk"), (RYLSK, "rylsk")]:
        data = manifest(client, host)
        assert data["name"] == data["short_name"] == region[key].short_name
        assert data["description"] == region[key].name
        assert (data["start_url"], data["scope"], data["display"]) == ("/", "/", "standalone")
        assert data["lang"] == "ru"
        assert data["theme_color"] == "#0b3d6e"


def test_manifest_icons_are_real_pngs_of_their_size(client, region):
    icons = manifest(client, ZHELEZNOGORSK)["icons"]
    assert {(icon["sizes"], icon["purpose"]) for icon in icons} >= {
        ("192x192", "any"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    }
    for icon in icons:
        response = client.get(icon["src"], HTTP_HOST=ZHELEZNOGORSK)
        assert response.status_code == 200, icon["src"]
        image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
        assert image.format == "PNG"
        assert "x".join(map(str, image.size)) == icon["sizes"], icon["src"]
        if icon["purpose"] == "maskable":
            # Full bleed: the corners are the theme colour, not transparent.
            assert image.convert("RGBA").getpixel((0, 0)) == (11, 61, 110, 255)


def test_pages_link_the_manifest_and_register_the_service_worker(client, region):
    html = client.get("/", HTTP_HOST=ZHELEZNOGORSK).text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<script src="/static/js/pwa.js" defer></script>' in html
    script = client.get("/static/js/pwa.js", HTTP_HOST=ZHELEZNOGORSK)
    assert (
        'navigator.serviceWorker.register("/sw.js", { scope: "/" })'
        in b"".join(script.streaming_content).decode()
    )


def test_service_worker_is_served_from_the_root_uncached(client, region):
    response = client.get("/sw.js", HTTP_HOST=ZHELEZNOGORSK)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    script = response.text
    assert "&quot;" not in script and "&#x27;" not in script, "JSON values are not HTML-escaped"
    assert 'const OFFLINE_URL = "/offline/";' in script
    assert 'request.method !== "GET"' in script
    bypass = json.loads(script.split("const BYPASS = ")[1].split(";")[0])
    assert {"/admin/", "/documents/"} <= set(bypass)


def test_everything_the_service_worker_precaches_exists(client, region):
    script = client.get("/sw.js", HTTP_HOST=ZHELEZNOGORSK).text
    precache = json.loads(script.split("const PRECACHE = ")[1].split(";")[0])
    assert "/offline/" in precache and "/static/css/site.css" in precache
    for url in precache:
        assert client.get(url, HTTP_HOST=ZHELEZNOGORSK).status_code == 200, url


def test_service_worker_version_follows_its_precache(client, region, monkeypatch):
    from sites.public import views as public

    before = client.get("/sw.js", HTTP_HOST=ZHELEZNOGORSK).text
    monkeypatch.setattr(public, "SERVICE_WORKER_VERSION", "test-next")
    after = client.get("/sw.js", HTTP_HOST=ZHELEZNOGORSK).text
    version = before.split('const VERSION = "')[1].split('"')[0]
    assert version and version not in after, "a new version gets a new cache name"


def test_offline_page_is_in_the_sites_design_in_russian(client, region):
    response = client.get("/offline/", HTTP_HOST=ZHELEZNOGORSK)
    assert response.status_code == 200
    html = response.text
    assert '<html lang="ru"' in html
    assert "<h1>Нет соединения</h1>" in html
    assert "<title>Нет соединения — Железногорская городская организация</title>" in html
    assert region["zheleznogorsk"].short_name in html.split("</header>")[0]
    assert '<meta name="robots" content="noindex">' in html
    other = client.get("/offline/", HTTP_HOST=RYLSK).text
    assert "Рыльская районная организация" in other and "Железногорская" not in other
