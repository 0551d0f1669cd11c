"""A video or post from another site in a page's body is not loaded until the reader asks:
its player is inert in a <template>, shown by static/js/embeds.js on a click; without
JavaScript, a link (no foreign service learns of a visit by itself)."""

import re

import pytest
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from home.models import StandardPage

from ..site_content import ZHELEZNOGORSK, build_small_region

pytestmark = pytest.mark.django_db

URL = "https://rutube.ru/video/abc/"


def test_an_embed_waits_for_the_reader(client, settings):
    settings.WAGTAILEMBEDS_RESPONSIVE_HTML = False
    region = build_small_region()
    Embed.objects.create(
        url=URL,
        hash=get_embed_hash(URL),
        type="video",
        html='<iframe src="https://rutube.ru/play/embed/abc" title="Видео"></iframe>',
    )
    page = StandardPage.objects.child_of(region["territorial"].home_page).get(slug="o-profsoyuze")
    page.body = [("embed", URL)]
    page.save_revision().publish()
    html = client.get("/o-profsoyuze/", HTTP_HOST=ZHELEZNOGORSK).text
    outside = re.sub(r"<template>.*?</template>", "", html, flags=re.DOTALL)
    assert "<iframe" not in outside and "rutube.ru/play" not in outside
    (player,) = re.findall(r"<template>(.*?)</template>", html, flags=re.DOTALL)
    assert '<iframe src="https://rutube.ru/play/embed/abc"' in player
    assert f'<a href="{URL}" rel="noopener">{URL}</a>' in html
    assert "data-embed-show hidden>Показать здесь</button>" in html
    assert "js/embeds." in html
