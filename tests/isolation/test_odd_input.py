"""Odd input gets a clear answer in Russian, never a server error, and changes nothing:

* control characters in a query string, and NUL in a form, are refused with 400 by
  `sites.isolation.odd_input.RejectControlCharacters` (PostgreSQL refuses NUL in strings, XML
  cannot carry control characters, SQLite's full-text search stops at NUL);
* a double quote (or any other character of FTS5's query syntax) in any search box works
  on SQLite as on PostgreSQL: `sites.isolation.search_backend` cleans the query for every
  caller, and a word in quotes is still found;
* an animated image counts the pixels of all its frames against the limit
  (WAGTAILIMAGES_MAX_IMAGE_PIXELS, 40 Mpx): `sites.isolation.odd_input.ImageForm`.

Run on SQLite and on PostgreSQL (DATABASE_URL)."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page
from wagtail.search.backends import get_search_backend
from wagtail.search.query import And, MatchAll, Not, Or, Phrase, PlainText

from news.models import NewsIndexPage, NewsPage
from sites.isolation import search_backend
from sites.isolation.odd_input import BAD_FORM_MESSAGE, BAD_REQUEST_MESSAGE, ImageForm
from sites.network.roles import ensure_regional_admins_group

from .. import factories

pytestmark = pytest.mark.django_db

HOST = "zheleznogorsk.localhost"  # the territorial organization's site (the `region` fixture)
WORD = "Субботник"  # in the title of a news item, an image and a document


@pytest.fixture
def regional_admin(client, django_user_model):
    user = django_user_model.objects.create_user("regional-admin", password="x")
    user.groups.add(ensure_regional_admins_group())
    client.force_login(user)
    return client


@pytest.fixture
def content(region):
    """A live news item on the territorial site, an image and a document with WORD."""
    index = NewsIndexPage.objects.child_of(region["territorial"].site.root_page).get()
    news = index.add_child(
        instance=NewsPage(title=f"{WORD} во дворе школы", slug="subbotnik", lead="Все вышли.")
    )
    root = Collection.get_first_root_node()
    image = factories.ImageFactory(title=f"{WORD} — фото", collection=root)
    document = get_document_model().objects.create(
        title=f"{WORD} — план",
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="plan.pdf"),
        collection=root,
    )
    return {"news": news, "image": image, "document": document}


def assert_refused(response, message=BAD_REQUEST_MESSAGE):
    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode("utf-8")
    assert message in html and 'lang="ru"' in html


# Control characters --------------------------------------------------------------------------

PUBLIC_ODD = [
    "/feed/?tag=%00",
    "/feed/?tag=%1B",
    "/search/?q=%00",
    "/search/?q=%01",
    "/search/?q=%D0%B0%0A",  # "а\n"
    "/search/?q=%7F",
    "/novosti/?page=%00",
    "/?%00=1",  # in a parameter's name
]
ADMIN_ODD = [
    "/admin/pages/search/?q=%00",
    "/admin/images/?q=%00",
    "/admin/documents/?q=%00",
    "/admin/api/main/pages/?search=%00",
    "/admin/reports/freshness/?q=%09",
]


@pytest.mark.parametrize("url", PUBLIC_ODD)
def test_control_characters_in_a_public_query_string_are_refused(client, content, url):
    assert_refused(client.get(url, HTTP_HOST=HOST))


@pytest.mark.parametrize("url", ADMIN_ODD)
def test_control_characters_in_an_admin_query_string_are_refused(regional_admin, content, url):
    assert_refused(regional_admin.get(url))


def test_ordinary_odd_looking_queries_still_work(client, content):
    for query in ("%", "100%", "'", "\\", "<script>", "ё", "\u200b", "a b"):
        response = client.get("/search/", {"q": query}, HTTP_HOST=HOST)
        assert response.status_code == 200, query
    assert client.get("/feed/", {"tag": "новости"}, HTTP_HOST=HOST).status_code == 200


def test_nul_in_a_form_is_refused_and_changes_nothing(client, region):
    user = get_user_model().objects.create_user("zh-editor", password="x")
    user.groups.add(region["territorial"].editors_group)
    response = client.post("/admin/login/", {"username": "zh-editor\x00", "password": "x"})
    assert_refused(response, BAD_FORM_MESSAGE)
    assert "_auth_user_id" not in client.session

    client.force_login(user)
    png = io.BytesIO()
    PILImage.new("RGB", (10, 10)).save(png, "PNG")
    upload = SimpleUploadedFile("photo.png", png.getvalue(), content_type="image/png")
    collection = region["territorial"].collection
    response = client.post(
        "/admin/images/add/", {"title": "Фото\x00", "collection": collection.pk, "file": upload}
    )
    assert_refused(response, BAD_FORM_MESSAGE)
    assert not get_image_model().objects.exists()


def test_newlines_and_tabs_in_a_form_are_accepted(client):
    response = client.post("/admin/login/", {"username": "a\tb\r\nc", "password": "x"})
    assert response.status_code == 200  # the login form again, with its own error


# Quotes in search boxes ----------------------------------------------------------------------

QUOTES = ['"', '""', 'a"b', f'"{WORD}', f'{WORD}"', "«»", '"*"', "'\"'"]


@pytest.mark.parametrize("query", QUOTES)
def test_quotes_in_the_public_search(client, content, query):
    response = client.get("/search/", {"q": query}, HTTP_HOST=HOST)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path, parameter",
    [
        ("/admin/images/", "q"),
        ("/admin/documents/", "q"),
        ("/admin/pages/search/", "q"),
        ("/admin/api/main/pages/", "search"),
        ("/admin/api/main/images/", "search"),
        ("/admin/api/main/documents/", "search"),
        ("/admin/choose-page/search/", "q"),
        ("/admin/images/chooser/results/", "q"),
        ("/admin/documents/chooser/results/", "q"),
    ],
)
def test_quotes_in_the_admin_searches(regional_admin, content, path, parameter):
    for query in QUOTES:
        response = regional_admin.get(path, {parameter: query})
        assert response.status_code == 200, query


def test_a_word_in_quotes_is_still_found(client, regional_admin, content):
    quoted = f'"{WORD}"'
    public = client.get("/search/", {"q": quoted}, HTTP_HOST=HOST).content.decode()
    assert content["news"].title in public
    titles = {  # full titles: the search box shows the query itself
        "/admin/images/": content["image"].title,
        "/admin/documents/": content["document"].title,
        "/admin/pages/search/": content["news"].title,
    }
    for path, title in titles.items():
        html = regional_admin.get(path, {"q": quoted}).content.decode()
        assert title in html, path
        assert title not in regional_admin.get(path, {"q": '"Пожар"'}).content.decode()
    api = json.loads(regional_admin.get("/admin/api/main/pages/", {"search": quoted}).content)
    assert [item["id"] for item in api["items"]] == [content["news"].pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Russian stemming is PostgreSQL's")
def test_postgresql_still_stems_russian_through_the_cleaning_backend(client, content):
    html = client.get("/search/", {"q": '"субботника"'}, HTTP_HOST=HOST).content.decode()
    assert content["news"].title in html


ODD_TERMS = ['"', 'a"b', "\x00", "\x01", " ", "%", "%s", "'", "\\", "*", "(", ")", ":", "a:b",
             "^", "-", "+", "&", "|", "!", "<->", "NEAR(a b)", "{title}: a", "AND", "OR", "NOT",
             "'\"'", "a\"b\"c"]  # fmt: skip


@pytest.mark.parametrize("query", ODD_TERMS)
def test_the_backend_takes_any_query_on_this_database(content, query):
    backend = get_search_backend()
    for model in (Page, get_image_model(), get_document_model()):
        for method in (backend.search, backend.autocomplete):
            list(method(query, model))
            list(method(PlainText(query, operator="or"), model))
            list(method(Phrase(query), model))


def test_the_backend_is_the_cleaning_one_with_the_russian_configuration():
    backend = get_search_backend()
    assert isinstance(backend, search_backend.CleanQueryMixin)
    assert backend.__class__.__module__ == "sites.isolation.search_backend"
    if backend.__class__.__name__ == "PostgresSearchBackend":
        assert backend.config == "russian"  # Russian stemming stays


def test_clean_query_keeps_the_structure_and_the_callers_query():
    assert search_backend.clean_query('"отчёт"') == "отчёт"
    assert search_backend.clean_query('" "\x00') == ""
    original = And([Phrase('"a"'), PlainText('"'), Not(PlainText("b\x00c"))])
    cleaned = search_backend.clean_query(original)
    assert [type(query) for query in cleaned.subqueries] == [Phrase, Not]
    assert cleaned.subqueries[0].query_string == " a "
    assert cleaned.subqueries[1].subquery.query_string == "b c"
    assert original.subqueries[1].query_string == '"', "the caller's query is not changed"
    assert search_backend.clean_query(Or([PlainText('"')])) == ""
    assert isinstance(search_backend.clean_query(MatchAll()), MatchAll)


# Animated images -----------------------------------------------------------------------------


def animated(width, height, frames, format="GIF"):
    """An animated image of `frames` solid frames (one colour each): a few kilobytes in GIF
    or WebP whatever its size."""
    palette = [channel for n in range(frames) for channel in (n * 20 % 256, 0, 255 - n * 20 % 256)]
    images = []
    for n in range(frames):
        image = PILImage.new("P", (width, height), n)
        image.putpalette(palette)
        images.append(image if format == "GIF" else image.convert("RGB"))
    buffer = io.BytesIO()
    options = {"lossless": True} if format == "WEBP" else {}
    images[0].save(
        buffer, format, save_all=True, append_images=images[1:], duration=100, loop=0, **options
    )
    return buffer.getvalue()


@pytest.fixture
def editor(client, region):
    user = get_user_model().objects.create_user("zh-editor", password="x")
    user.groups.add(region["territorial"].editors_group)
    client.force_login(user)
    client.collection = region["territorial"].collection
    return client


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type=f"image/{name.rsplit('.', 1)[1]}")


def test_the_image_form_is_ours():
    from wagtail.images.forms import get_image_form

    assert issubclass(get_image_form(get_image_model()), ImageForm)


@pytest.mark.parametrize("format, name", [("GIF", "big.gif"), ("WEBP", "big.webp")])
def test_an_animation_over_the_limit_in_all_its_frames_is_refused(editor, format, name):
    big = animated(2000, 2000, 11, format)  # 4 Mpx a frame, 44 Mpx in all
    assert len(big) < 100_000, "the test file stays small"
    response = editor.post(
        "/admin/images/add/",
        {"title": "big", "collection": editor.collection.pk, "file": upload(name, big)},
    )
    assert response.status_code == 200, "the form comes back with the error"
    errors = " ".join(response.context["form"].errors["file"])
    assert "слишком много пикселей (44000000" in errors and "кадров: 11" in errors
    assert "Максимум пикселей 40000000" in errors

    response = editor.post(
        "/admin/images/multiple/add/",
        {"collection": editor.collection.pk, "files[]": upload(name, big)},
    )
    assert response.status_code == 200
    data = response.json()
    assert data["success"] is False and "слишком много пикселей" in data["error_message"]
    assert not get_image_model().objects.exists()


def test_an_animation_under_the_limit_is_accepted(editor):
    fits = animated(2000, 2000, 9)  # 36 Mpx in all
    response = editor.post(
        "/admin/images/add/",
        {"title": "fits", "collection": editor.collection.pk, "file": upload("fits.gif", fits)},
    )
    assert response.status_code == 302
    assert get_image_model().objects.get(title="fits").collection == editor.collection


def test_an_animated_png_is_no_image_for_wagtail(editor):
    """Willow does not open APNG: Wagtail refuses it before any pixel is counted."""
    response = editor.post(
        "/admin/images/add/",
        {
            "title": "apng",
            "collection": editor.collection.pk,
            "file": upload("anim.png", animated(20, 20, 2, "PNG")),
        },
    )
    assert response.status_code == 200
    assert "Загрузите правильное изображение" in " ".join(response.context["form"].errors["file"])
    assert not get_image_model().objects.exists()
