"""«Версия для слабовидящих»: switched by a plain link, kept per visitor in a cookie, applied on
the server (no JavaScript needed, no flash), at no extra query."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sites.public.views import A11Y_COOKIE, AccessibilityMode, replace_images_with_alt_text

from ..shared_region import module_region
from ..site_content import PAGES, RYLSK, ZHELEZNOGORSK, build_region

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 15


region = module_region(build_region)


def html_tag(html):
    return re.search(r"<html[^>]*>", html).group(0)


def switch(client, host=ZHELEZNOGORSK, **params):
    return client.get("/a11y/", params, HTTP_HOST=host)


def test_header_links_the_mode_back_to_the_same_page(client, region):
    html = client.get("/novosti/news-1/", {"x": "1"}, HTTP_HOST=ZHELEZNOGORSK).text
    assert html_tag(html) == '<html lang="ru">'
    assert 'href="/a11y/?mode=on&amp;next=%2Fnovosti%2Fnews-1%2F%3Fx%3D1" rel="nofollow"' in html
    assert "Версия для слабовидящих" in html
    assert "Обычная версия" not in html


def test_switching_on_sets_the_cookie_and_comes_back(client, region):
    response = switch(client, mode="on", next="/novosti/")
    assert response.status_code == 303
    assert response["Location"] == "/novosti/"
    assert response["Cache-Control"] == "no-store"
    cookie = response.cookies[A11Y_COOKIE]
    assert cookie.value == "large.bw.on"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"

    html = client.get("/novosti/", HTTP_HOST=ZHELEZNOGORSK).text
    assert html_tag(html) == '<html lang="ru" class="a11y a11y--size-large a11y--scheme-bw">'
    assert "Обычная версия" in html and "Версия для слабовидящих" not in html
    # The panel marks the visitor's current settings.
    current = re.findall(r'<a class="a11y-option[^"]*"[^>]*aria-current="true">([^<]+)</a>', html)
    assert current == ["крупный", "чёрным по белому", "показывать"]
    assert 'href="/a11y/?scheme=wb&amp;next=%2Fnovosti%2F"' in html


def test_mode_is_kept_per_visitor_and_per_choice(client, region):
    switch(client, mode="on")
    switch(client, size="xlarge")
    switch(client, scheme="blue")
    response = switch(client, images="off", next="/")
    assert response.cookies[A11Y_COOKIE].value == "xlarge.blue.off"
    html = client.get("/", HTTP_HOST=ZHELEZNOGORSK).text
    assert 'class="a11y a11y--size-xlarge a11y--scheme-blue a11y--no-images"' in html
    # Another visitor (no cookie) gets the ordinary version.
    client.cookies.clear()
    assert html_tag(client.get("/", HTTP_HOST=ZHELEZNOGORSK).text) == '<html lang="ru">'


def test_a_setting_alone_turns_the_mode_on_and_unknown_values_change_nothing(client, region):
    assert switch(client, scheme="wb").cookies[A11Y_COOKIE].value == "large.wb.on"
    assert switch(client, size="huge", scheme="red").cookies[A11Y_COOKIE].value == "large.wb.on"


def test_switching_off_forgets_the_cookie(client, region):
    switch(client, mode="on", size="xlarge")
    response = switch(client, mode="off", next="/kontakty/")
    assert response["Location"] == "/kontakty/"
    assert response.cookies[A11Y_COOKIE].value == ""
    assert response.cookies[A11Y_COOKIE]["max-age"] == 0
    html = client.get("/kontakty/", HTTP_HOST=ZHELEZNOGORSK).text
    assert html_tag(html) == '<html lang="ru">'
    assert "Версия для слабовидящих" in html


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http://zheleznogorsk.localhost/novosti/",
        "novosti/",
        "",
    ],
)
def test_next_must_be_a_path_on_this_site(client, region, target):
    response = switch(client, mode="on", next=target)
    assert response.status_code == 303
    assert response["Location"] == "/"


def test_only_get_switches(client, region):
    assert client.post("/a11y/", {"mode": "on"}, HTTP_HOST=ZHELEZNOGORSK).status_code == 405


@pytest.mark.parametrize("value", ["", "on", "large.bw", "large.pink.on", "large.bw.on.x"])
def test_a_cookie_we_do_not_know_means_the_ordinary_version(client, region, value):
    client.cookies[A11Y_COOKIE] = value
    assert html_tag(client.get("/", HTTP_HOST=RYLSK).text) == '<html lang="ru">'


def test_images_off_shows_their_alt_text_instead(client, region):
    news = client.get(PAGES["news"], HTTP_HOST=ZHELEZNOGORSK).text
    assert '<img alt="Педагоги на конкурсе"' in news or 'alt="Педагоги на конкурсе"' in news
    switch(client, images="off")
    for path in PAGES.values():
        html = client.get(path, HTTP_HOST=ZHELEZNOGORSK).text
        assert "<img" not in html, path
    news = client.get(PAGES["news"], HTTP_HOST=ZHELEZNOGORSK).text
    label = '<span class="img-alt"><span class="img-alt__label">Изображение:</span>'
    assert f"{label} Педагоги на конкурсе</span>" in news  # the main photo
    assert f"{label} Учитель у доски</span>" in news  # the body's figure, its own alt text
    # Decorative images (empty alt: the logo, the cards' photos) simply go.
    home = client.get("/", HTTP_HOST=ZHELEZNOGORSK).text
    assert "img-alt" not in home.split("</header>")[0]


def test_images_off_leaves_the_admin_alone(client, region, admin_user):
    client.force_login(admin_user)
    switch(client, images="off")
    response = client.get("/admin/images/", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert "<img" in response.text


def test_alt_text_stays_escaped():
    html = '<p><img src="/a.png" alt="&lt;b&gt; &quot;x&quot;" width="2"> <img alt="" src="/b"></p>'
    assert replace_images_with_alt_text(html) == (
        '<p><span class="img-alt"><span class="img-alt__label">Изображение:</span>'
        " &lt;b&gt; &quot;x&quot;</span> </p>"
    )
    picture = (
        '<picture>\n<source srcset="/a.webp" type="image/webp">\n'
        '<img src="/a.jpg" alt="Фото" loading="lazy">\n</picture><picture><img alt=""></picture>'
    )
    assert replace_images_with_alt_text(picture) == (
        '<span class="img-alt"><span class="img-alt__label">Изображение:</span> Фото</span>'
    )


def test_html_responses_vary_on_the_cookie(client, region):
    for path in ("/", PAGES["news"], "/no-such-page/"):
        response = client.get(path, HTTP_HOST=ZHELEZNOGORSK)
        assert "Cookie" in response.get("Vary", ""), path


@pytest.mark.parametrize("path", [PAGES["home"], PAGES["news-index"], PAGES["news"]])
def test_the_mode_costs_no_query(client, region, path):
    counts = {}
    for cookie in (None, "xlarge.wb.off"):
        if cookie:
            client.cookies[A11Y_COOKIE] = cookie
        client.get(path, HTTP_HOST=ZHELEZNOGORSK)  # warm: renditions, site chrome
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, HTTP_HOST=ZHELEZNOGORSK)
        assert response.status_code == 200
        counts[cookie] = len(queries)
    assert counts[None] == counts["xlarge.wb.off"], counts
    assert counts[None] <= QUERY_BUDGET, counts


def test_mode_from_cookie_round_trips():
    mode = AccessibilityMode.from_cookie("xlarge.blue.off")
    assert mode.enabled and (mode.size, mode.scheme, mode.images) == ("xlarge", "blue", "off")
    assert AccessibilityMode.from_cookie(mode.cookie_value) == mode
    assert mode.html_class == "a11y a11y--size-xlarge a11y--scheme-blue a11y--no-images"
    assert AccessibilityMode().html_class == ""
