"""Property-based fuzzing of what members and editors can reach: generated query strings,
cookies and form values, sent to every public URL of a region with content and to every admin
listing, as an anonymous visitor and as an editor of another organization. Whatever arrives,
the answer is never a server error and never carries the secret organization's titles.

The examples are derived from a fixed seed in CI (`derandomize`), so a failure reproduces;
`HYPOTHESIS_PROFILE=explore` runs many more, randomly.
"""

import os

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.documents import get_document_model

from directory.models import Organization
from news.models import NewsIndexPage, NewsPage
from sites.onboarding.services import onboard
from sites.public.views import A11Y_COOKIE

from .. import factories
from ..site_content import RYLSK, ZHELEZNOGORSK, build_region

SECRET = "fuzzsecret"

settings.register_profile(
    "ci",
    max_examples=8,  # per URL
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "explore",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def _public_paths():
    """The project's own paths that take no argument (feeds, search, sitemap, web app...)."""
    paths = []
    for pattern in get_resolver().url_patterns:
        route = str(pattern.pattern)
        plain = "<" not in route and "(" not in route and not route.startswith("admin/")
        if isinstance(pattern, URLPattern) and plain:
            paths.append("/" + route.lstrip("^").rstrip("$"))
    return paths


PAGES = [
    "/",
    "/novosti/",
    "/novosti/news-1/",
    "/novosti/2026/",
    "/novosti/novosti-organizatsiy/",
    "/otchety/",
    "/otchety/otchet-2025/",
    "/kontakty/",
    "/o-profsoyuze/",
    "/organizatsii/",
    "/politika-personalnykh-dannykh/",
    "/kak-vstupit/",
    "/opros/",
    "/sobytiya/",
    "/sobytiya/seminar/",
    "/sobytiya/ical/",
    "/rassylka/",
    "/en/",
    "/no-such-page/",
]

ADMIN_LISTINGS = [
    "/admin/",
    "/admin/pages/search/",
    "/admin/pages/search/results/",
    "/admin/images/",
    "/admin/images/results/",
    "/admin/images/chooser/",
    "/admin/images/chooser/results/",
    "/admin/documents/",
    "/admin/documents/results/",
    "/admin/documents/chooser/",
    "/admin/documents/chooser/results/",
    "/admin/choose-page/",
    "/admin/choose-page/search/",
    "/admin/tag-autocomplete/",
    "/admin/api/main/pages/",
    "/admin/api/main/images/",
    "/admin/api/main/documents/",
    "/admin/reports/aging-pages/",
    "/admin/reports/site-history/",
    "/admin/reports/workflow/",
    "/admin/reports/workflow_tasks/",
    "/admin/reports/locked/",
    "/admin/account/",
]

# Parameter names the views read, and some they don't.
KEYS = st.sampled_from(
    [
        "q", "q", "q", "tag", "p", "page", "year", "search", "term", "ordering", "order",
        "sort", "id", "child_of", "descendant_of", "type", "fields", "limit", "offset",
        "collection_id",
        "locale", "site", "status", "owner", "edited_by", "next", "a11y", "format", "export",
        "page_type", "content_type", "action", "filter", "x",
    ]
) | st.text(min_size=1, max_size=8)  # fmt: skip

VALUES = st.one_of(
    st.text(max_size=40),  # any Unicode, control characters, quotes and NUL included
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(['"', "'", "%", "\x00", "*", "-1", "0", "1e309", "..", "../../etc", "⁂"]),
    st.text(alphabet='"*^:()-+ NEAROT', max_size=12),  # full-text search operators
)
QUERIES = st.lists(st.tuples(KEYS, VALUES), max_size=6)
COOKIE_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters=';,\\"'),
    max_size=30,
)
COOKIES = st.dictionaries(
    st.sampled_from([A11Y_COOKIE, "django_language", "sessionid", "csrftoken", "x"]),
    COOKIE_TEXT,
    max_size=3,
)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """A region with content, and a primary organization whose drafts and media carry SECRET;
    the editor is another organization's. Built once, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        organizations = build_region()
        secret = factories.PrimaryOrganizationFactory(
            parent=organizations["rylsk"],
            short_name="ППО Секретная",  # a public name
        )
        onboard(secret)
        secret = Organization.objects.get(pk=secret.pk)
        index = NewsIndexPage.objects.descendant_of(secret.home_page).get()
        index.add_child(
            instance=NewsPage(
                title=f"{SECRET} draft", slug=f"{SECRET}-draft", lead=SECRET, live=False
            )
        ).tags.add(f"{SECRET}-tag")
        factories.ImageFactory(title=f"{SECRET}-image", collection=secret.collection)
        get_document_model().objects.create(
            title=f"{SECRET}-doc",
            file=ContentFile(b"%PDF-1.4", name="f.pdf"),
            collection=secret.collection,
        )
        editor = get_user_model().objects.create_user("fuzz-editor", password="x")
        editor.groups.add(organizations["zheleznogorsk"].editors_group)
        yield {"editor": editor}
        transaction.set_rollback(True)


def _client(cookies, user=None):
    client = Client(raise_request_exception=True)
    if user is not None:
        client.force_login(user)
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


def _check(response):
    assert response.status_code < 500, response.status_code
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert SECRET not in content.decode("utf-8", errors="replace").lower()


REGIONAL_PAGES = ["/", "/novosti/", "/novosti/novosti-organizatsiy/", "/organizatsii/"]
PUBLIC = (
    [(ZHELEZNOGORSK, path) for path in PAGES]
    + [(RYLSK, "/novosti/novosti-organizatsiy/")]
    + [("localhost", path) for path in REGIONAL_PAGES]
)


@pytest.mark.parametrize(
    ("host", "path"), PUBLIC + [("localhost", p) for p in _public_paths()], ids=str
)
@given(query=QUERIES, cookies=COOKIES, post=st.booleans())
def test_public_urls_never_fail_nor_leak(db, world, host, path, query, cookies, post):
    client = _client(cookies)
    if post:
        response = client.post(path, dict(query), HTTP_HOST=host)
    else:
        response = client.get(path, query, HTTP_HOST=host)
    _check(response)


@pytest.mark.parametrize("path", ADMIN_LISTINGS)
@given(query=QUERIES, cookies=COOKIES)
def test_admin_listings_never_fail_nor_leak(db, world, path, query, cookies):
    cookies.pop("sessionid", None)  # the editor's own session
    client = _client(cookies, world["editor"])
    _check(client.get(path, query, HTTP_HOST="localhost"))


@pytest.mark.parametrize("path", ADMIN_LISTINGS)
@settings(max_examples=2)
@given(query=QUERIES)
def test_admin_listings_anonymous(db, world, path, query):
    response = _client({}).get(path, query, HTTP_HOST="localhost")
    _check(response)
    assert response.status_code in (302, 400, 401, 403, 404), response.status_code
