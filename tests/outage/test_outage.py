"""While the database is down: /healthz/ says so, and an answer that fails for it is the
Russian 503 page with Retry-After, never a traceback. While Redis is down: pages still come."""

import pytest
from django.core.cache import caches
from django.db import OperationalError
from django.test import Client, override_settings

from tests import site_content

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_while_the_database_answers(client):
    response = client.get("/healthz/")
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert response["Cache-Control"] == "no-store"


def test_healthz_says_503_when_the_database_does_not_answer(client, monkeypatch):
    from django.db import connection

    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert b"database unavailable" in response.content


def test_an_admin_request_during_an_outage_gets_the_russian_503(monkeypatch, settings):
    from wagtail.admin.views import home

    def database_down(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(home.HomeView, "get", database_down)
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("r", "r@example.org", "x" * 12))
    response = client.get("/admin/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "Сайт временно недоступен" in body and "Traceback" not in body
    assert "server closed" not in body


def test_a_bug_is_still_a_500_not_an_outage(monkeypatch):
    from wagtail.admin.views import home

    def bug(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(home.HomeView, "get", bug)
    client = Client(raise_request_exception=False)
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("r", "r@example.org", "x" * 12))
    assert client.get("/admin/").status_code == 500


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "sites.outage.cache.ForgivingRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there: Redis is "down"
        }
    }
)
def test_pages_are_served_while_redis_is_down():
    cache = caches["default"]
    assert cache.get("anything", "missed") == "missed"
    cache.set("key", "value")  # dropped, not raised
    with pytest.raises(ValueError):
        cache.incr("generation")
    region = site_content.build_small_region()
    response = Client().get("/", HTTP_HOST=region["primary"].site.hostname)
    assert response.status_code == 200
    assert region["primary"].short_name in response.content.decode()


def test_the_forgiving_cache_works_with_a_real_redis():
    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "sites.outage.cache.ForgivingRedisCache",
                "LOCATION": "redis://127.0.0.1:6379/9",
            }
        }
    ):
        cache = caches["default"]
        cache.set("profsites-test", "kept", 10)
        assert cache.get("profsites-test") == "kept"
        cache.delete("profsites-test")


def test_renditions_read_from_redis_are_not_written_back(any_cache, monkeypatch):
    """Wagtail wrote every rendition it found in the cache back to it, on every view."""
    if any_cache != "Redis":
        pytest.skip("the renditions cache is Redis's")
    from sites.outage.cache import ForgivingRedisCache
    from tests import factories

    image = factories.ImageFactory(file__width=800, file__height=450)
    writes = []
    for name in ("set", "set_many"):
        original = getattr(ForgivingRedisCache, name)  # what reaches Redis

        def spy(self, *args, _original=original, **kwargs):
            writes.append(args[0])
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(ForgivingRedisCache, name, spy)
    first = image.get_rendition("fill-480x270")
    both = image.get_renditions("fill-480x270", "width-300")
    assert writes  # made, and kept in Redis
    writes.clear()
    for _view in range(3):
        fresh = type(image).objects.get(pk=image.pk)  # each view loads the image anew
        again = fresh.get_rendition("fill-480x270")
        assert (again.pk, again.url) == (first.pk, first.url)
        again = fresh.get_renditions("fill-480x270", "width-300")
        assert {spec: r.url for spec, r in again.items()} == {
            spec: r.url for spec, r in both.items()
        }
    assert [write for write in writes if write] == []  # nothing written again


def test_the_renditions_cache_reads_other_values_as_they_are(any_cache):
    if any_cache != "Redis":
        pytest.skip("the renditions cache is Redis's")
    renditions = caches["renditions"]
    renditions.set_many({"not-a-rendition": None, "a-number": 5})
    assert renditions.get_many(["not-a-rendition", "a-number"]) == {
        "not-a-rendition": None,
        "a-number": 5,
    }
