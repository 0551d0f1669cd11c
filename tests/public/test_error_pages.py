"""404 and 500 in the site's own design, in Russian, with DEBUG off; the 500 page never fails."""

import pytest
from django.template import TemplateSyntaxError
from django.test import RequestFactory

from home.models import HomePage
from sites.public import views as public

from ..site_content import RYLSK, ZHELEZNOGORSK, build_region


@pytest.fixture
def region(db, settings):
    settings.DEBUG = False
    return build_region()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/no-such-page/", "/novosti/no-such-news/"])
def test_404_is_in_the_sites_own_design(client, region, path):
    response = client.get(path, HTTP_HOST=ZHELEZNOGORSK)
    assert response.status_code == 404
    html = response.text
    assert '<html lang="ru"' in html
    assert "<h1>Страница не найдена</h1>" in html
    assert "<title>Страница не найдена — Железногорская городская организация</title>" in html
    header = html.split("</header>")[0]
    assert "Железногорская городская организация" in header
    assert 'href="/novosti/"' in header, "the site's sections are there to go on from"
    assert "Версия для слабовидящих" in header
    assert '<a class="button" href="/">Перейти на главную страницу</a>' in html


@pytest.mark.django_db
def test_404_of_another_site_shows_that_site(client, region):
    html = client.get("/no-such-page/", HTTP_HOST=RYLSK).text
    assert "Рыльская районная организация" in html
    assert "Железногорская" not in html


@pytest.mark.django_db
def test_500_is_in_russian(client, region, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(HomePage, "serve", broken)
    client.raise_request_exception = False
    response = client.get("/", HTTP_HOST=ZHELEZNOGORSK)
    assert response.status_code == 500
    html = response.text
    assert '<html lang="ru">' in html
    assert "<title>Ошибка сервера</title>" in html
    assert "<h1>Что-то пошло не так</h1>" in html
    assert '<a href="/">Перейти на главную страницу</a>' in html


def test_500_page_needs_no_database():
    """No `django_db` mark: any query would fail the test."""
    response = public.server_error(RequestFactory().get("/", HTTP_HOST=ZHELEZNOGORSK))
    assert response.status_code == 500
    assert "Что-то пошло не так" in response.content.decode()


def test_500_page_falls_back_when_its_template_fails(monkeypatch):
    def broken(*args, **kwargs):
        raise TemplateSyntaxError("a broken 500.html")

    monkeypatch.setattr("django.views.defaults.loader.get_template", broken)
    response = public.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="ru">' in html
    assert "<h1>Что-то пошло не так</h1>" in html
