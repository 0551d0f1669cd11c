"""What every public site serves besides its pages: the accessibility mode («версия для
слабовидящих», GOST R 52872-2019), the web app manifest, the service worker with its offline
page, and a server error page that cannot fail.

The mode is kept per visitor in a cookie and applied on the server (a class on <html>, images
replaced by their alt text), so it works without JavaScript and pages don't flash; the small
static/js/a11y.js only saves a page load when the font size or the colours change.
"""

import hashlib
import json
import logging
import re
import sys
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.translation import gettext, pgettext_lazy
from django.views import defaults
from django.views.decorators.http import require_GET

from directory.chrome import chrome_for_request
from sites.outage import views as outage

logger = logging.getLogger(__name__)

# --- Accessibility mode ---------------------------------------------------------------------

A11Y_COOKIE = "a11y"
A11Y_COOKIE_MAX_AGE = 365 * 24 * 60 * 60
SIZES = ("normal", "large", "xlarge")
SCHEMES = ("bw", "wb", "blue")  # black on white, white on black, dark blue on light blue
IMAGES = ("on", "off")
# Paths the mode never rewrites: the admin (and page previews in it) and file downloads.
UNTOUCHED_PREFIXES = ("/admin/", "/documents/")
MENU = [
    (
        "size",
        pgettext_lazy("accessibility", "Font size"),
        [
            ("normal", pgettext_lazy("font size", "Normal")),
            ("large", pgettext_lazy("font size", "Large")),
            ("xlarge", pgettext_lazy("font size", "Extra large")),
        ],
    ),
    (
        "scheme",
        pgettext_lazy("accessibility", "Colours"),
        [
            ("bw", pgettext_lazy("colour scheme", "Black on white")),
            ("wb", pgettext_lazy("colour scheme", "White on black")),
            ("blue", pgettext_lazy("colour scheme", "Blue on light blue")),
        ],
    ),
    (
        "images",
        pgettext_lazy("accessibility", "Images"),
        [
            ("on", pgettext_lazy("images", "Show")),
            ("off", pgettext_lazy("images", "Hide")),
        ],
    ),
]


@dataclass(frozen=True)
class AccessibilityMode:
    """A visitor's accessibility settings. The cookie holds "size.scheme.images", e.g.
    "large.bw.on"; no cookie (or a value we don't know) means the ordinary version."""

    enabled: bool = False
    size: str = "large"
    scheme: str = "bw"
    images: str = "on"

    @classmethod
    def from_cookie(cls, value):
        parts = (value or "").split(".")
        if len(parts) != 3:
            return cls()
        size, scheme, images = parts
        if size not in SIZES or scheme not in SCHEMES or images not in IMAGES:
            return cls()
        return cls(enabled=True, size=size, scheme=scheme, images=images)

    @property
    def cookie_value(self):
        return f"{self.size}.{self.scheme}.{self.images}"

    @property
    def html_class(self):
        """The classes on <html> that static/css/site.css styles (empty when off)."""
        if not self.enabled:
            return ""
        classes = ["a11y", f"a11y--size-{self.size}", f"a11y--scheme-{self.scheme}"]
        if self.images == "off":
            classes.append("a11y--no-images")
        return " ".join(classes)

    @property
    def menu(self):
        """The settings panel: (setting, label, [(value, label, is_current), …])."""
        chosen = {"size": self.size, "scheme": self.scheme, "images": self.images}
        return [
            (setting, label, [(value, text, value == chosen[setting]) for value, text in options])
            for setting, label, options in MENU
        ]

    def changed(self, params):
        """The mode after a request to the toggle view: `mode` on/off, then any of `size`,
        `scheme` and `images` with a value we know; changing a setting turns the mode on."""
        mode = params.get("mode")
        if mode == "off":
            return AccessibilityMode()
        changes = {
            name: params[name]
            for name, allowed in (("size", SIZES), ("scheme", SCHEMES), ("images", IMAGES))
            if params.get(name) in allowed
        }
        if mode == "on" or changes:
            return replace(self, enabled=True, **changes)
        return self


def _safe_next(request):
    """The `next` parameter when it is a path on this site (no scheme, no host), else "/"."""
    target = request.GET.get("next", "")
    if (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and not urlsplit(target).netloc
        and url_has_allowed_host_and_scheme(target, allowed_hosts=None)
    ):
        return target
    return "/"


@require_GET
def accessibility_mode(request):
    """/a11y/?mode=on|off&size=…&scheme=…&images=…&next=/path/: store the visitor's choice in
    a cookie and go back to the page. A plain link, so it works without JavaScript."""
    current = AccessibilityMode.from_cookie(request.COOKIES.get(A11Y_COOKIE))
    mode = current.changed(request.GET)
    response = HttpResponseRedirect(_safe_next(request), status=303)
    response["Cache-Control"] = "no-store"
    if mode.enabled:
        response.set_cookie(
            A11Y_COOKIE,
            mode.cookie_value,
            max_age=A11Y_COOKIE_MAX_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(A11Y_COOKIE, samesite="Lax")
    return response


# A <picture> (its <source>s and its <img>) or a lone <img>.
_IMAGE = re.compile(r"<picture\b[^>]*>.*?</picture\s*>|<img\b[^>]*>", re.IGNORECASE | re.DOTALL)
_ALT = re.compile(r'\salt="([^"]*)"', re.IGNORECASE)


def replace_images_with_alt_text(html):
    """Each image (<img>, or <picture> with its sources) becomes its alt text in a box (the
    «images off» setting); images with an empty alt are decorative and simply go. Django and
    Wagtail write attributes escaped and in double quotes, so the alt text is copied as is."""
    label = gettext("Image")

    def alt_text(match):
        alt = _ALT.search(match.group(0))
        if not alt or not alt.group(1).strip():
            return ""
        return format_html(
            '<span class="img-alt"><span class="img-alt__label">{}:</span> {}</span>',
            label,
            SafeString(alt.group(1)),  # escaped in the source already
        )

    return _IMAGE.sub(alt_text, html)


def _is_html(response):
    return response.get("Content-Type", "").startswith("text/html")


class AccessibilityModeMiddleware:
    """Reads the mode from its cookie into `request.a11y` (no query), marks HTML responses as
    depending on cookies (`Vary: Cookie`, for any cache in front) and, with images off,
    replaces the images of public pages with their alt text."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.a11y = AccessibilityMode.from_cookie(request.COOKIES.get(A11Y_COOKIE))
        response = self.get_response(request)
        if not _is_html(response):
            return response
        patch_vary_headers(response, ["Cookie"])
        if (
            request.a11y.images == "off"
            and request.a11y.enabled
            and not response.streaming
            and not request.path_info.startswith(UNTOUCHED_PREFIXES)
        ):
            charset = response.charset or "utf-8"
            response.content = replace_images_with_alt_text(
                response.content.decode(charset)
            ).encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response


# --- Installable web app --------------------------------------------------------------------

THEME_COLOR = "#0b3d6e"
ICONS = [
    ("img/icons/icon-192.png", "192x192", "any"),
    ("img/icons/icon-512.png", "512x512", "any"),
    ("img/icons/icon-maskable-192.png", "192x192", "maskable"),
    ("img/icons/icon-maskable-512.png", "512x512", "maskable"),
]
# Bump when the service worker's logic changes; its precache list changes it by itself.
SERVICE_WORKER_VERSION = "1"
# Never cached by the service worker (also: anything but GET, other origins).
SERVICE_WORKER_BYPASS = ["/admin/", "/documents/", "/a11y/", "/sw.js", "/healthz/"]


def manifest(request):
    """The site's Web App Manifest: each organization's site installs as its own app."""
    chrome = chrome_for_request(request)
    name = chrome.title or gettext("Education workers' union")
    data = {
        "name": name,
        "short_name": name,
        "description": chrome.organization.name if chrome.organization else name,
        "lang": "ru",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "id": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/manifest+json; charset=utf-8",
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _precache_urls():
    return [
        reverse("offline"),
        static("css/site.css"),
        static("js/a11y.js"),
        static("js/pwa.js"),
        static("img/favicon.svg"),
        *(static(path) for path, _sizes, _purpose in ICONS),
    ]


def service_worker(request):
    """/sw.js, from the site root so that its scope is the whole site. Served with
    `Cache-Control: no-cache` so browsers check for a new version on every visit; its
    cache name changes with the static files' (hashed) URLs."""
    precache = _precache_urls()
    version = hashlib.sha256(json.dumps([SERVICE_WORKER_VERSION, precache]).encode()).hexdigest()[
        :12
    ]
    script = render_to_string(
        "sites/public/sw.js",
        {
            "version": version,
            "precache": json.dumps(precache),
            "offline_url": json.dumps(reverse("offline")),
            "bypass": json.dumps(SERVICE_WORKER_BYPASS),
            "static_prefix": json.dumps(settings.STATIC_URL),
            "media_prefix": json.dumps(settings.MEDIA_URL),
        },
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


def offline(request):
    """What the service worker shows for a page that is neither reachable nor cached."""
    return TemplateResponse(request, "sites/public/offline.html", {})


# --- Error pages ----------------------------------------------------------------------------

SERVER_ERROR_FALLBACK = """<!DOCTYPE html>
<html lang="ru">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ошибка сервера</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 0 auto; padding: 3rem 1rem">
<main><h1>Что-то пошло не так</h1>
<p>Сайт временно недоступен. Пожалуйста, попробуйте зайти через несколько минут.</p>
<p><a href="/">Перейти на главную страницу</a></p></main>
</body>
</html>
"""


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: for a database outage the Russian 503 page with Retry-After
    (sites/outage/views.py); otherwise templates/500.html (no context processors, no
    database), and if even that fails, a fixed Russian page: the error page must never error."""
    if isinstance(sys.exc_info()[1], outage.OUTAGE_ERRORS):  # the database is down: try later
        return outage.unavailable(request)
    try:
        return defaults.server_error(request, template_name=template_name)
    except Exception:
        logger.exception("the 500 page failed to render; serving the built-in fallback")
        return HttpResponseServerError(SERVER_ERROR_FALLBACK, content_type="text/html")
