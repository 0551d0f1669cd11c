"""What the app tells the page cache: which answers are public for how long, and their tags."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from news.models import NewsIndexPage, NewsPage
from sites.network.building import add_published_child
from tests import site_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return site_content.build_small_region()


def tags_of(response):
    return set(response["xkey"].split())


def test_an_anonymous_page_is_public_for_a_day_with_its_site_page_and_listing_tags(client, region):
    primary = region["primary"]
    site = primary.site
    response = client.get("/", HTTP_HOST=site.hostname)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=86400"
    home = site.root_page
    assert {"all", f"s{site.pk}", f"p{home.pk}", f"l{site.pk}"} <= tags_of(response)

    contacts = client.get("/kontakty/", HTTP_HOST=site.hostname)
    assert f"l{site.pk}" not in tags_of(contacts)  # lists nothing: a news item leaves it be


def test_the_territorial_home_carries_its_flow_tag_and_the_feed_its_listing(client, region):
    site = region["territorial"].site
    assert f"f{site.pk}" in tags_of(client.get("/", HTTP_HOST=site.hostname))
    feed = client.get("/feed/", HTTP_HOST=site.hostname)
    assert feed.status_code == 200 and f"l{site.pk}" in tags_of(feed)
    missing = client.get("/net-takoy-stranicy/", HTTP_HOST=site.hostname)
    assert missing.status_code == 404 and f"l{site.pk}" in tags_of(missing)


def test_editors_admin_and_cookies_are_never_public(client, region):
    site = region["primary"].site
    user = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 12)
    client.force_login(user)
    response = client.get("/", HTTP_HOST=site.hostname)
    assert "public" not in response["Cache-Control"] and "xkey" not in response
    assert "public" not in client.get("/admin/", HTTP_HOST=site.hostname)["Cache-Control"]
    client.logout()
    toggle = client.get("/a11y/?mode=on", HTTP_HOST=site.hostname)
    assert toggle.cookies and "public" not in toggle["Cache-Control"]
    post = client.post("/search/", {"q": "x"}, HTTP_HOST=site.hostname)
    assert "public" not in post.get("Cache-Control", "")


def test_the_tags_a_news_page_carries(client, region):
    site = region["territorial"].site
    index = NewsIndexPage.objects.child_of(site.root_page).get()
    news = add_published_child(
        index,
        NewsPage(title="Новость", slug="novost", date=datetime.date(2026, 3, 1), lead="Коротко."),
    )
    response = client.get(news.relative_url(site), HTTP_HOST=site.hostname)
    assert response.status_code == 200
    assert {f"p{news.pk}", f"l{site.pk}", f"s{site.pk}"} <= tags_of(response)
