"""A site in English: an editor translates their own site with
wagtail-localize through the admin; members get a language switcher and hreflang links only
where a translation exists; the English header lists the English pages."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import Locale, Page

from home.models import HomePage, StandardPage

from ..home.test_sites import get

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(region):
    user = get_user_model().objects.create_user("editor-zh", password="x")
    user.groups.add(region["territorial"].editors_group)
    return user


def translate_site(editor, organization):
    english = Locale.objects.get_or_create(language_code="en")[0]
    client = Client()
    client.force_login(editor)
    response = client.post(
        f"/admin/localize/submit/page/{organization.home_page_id}/",
        {"locales": [english.pk], "include_subtree": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return english, client


def test_an_editor_translates_their_own_site_and_can_edit_the_english_version(
    client, region, editor
):
    english, admin = translate_site(editor, region["territorial"])
    home = HomePage.objects.get(pk=region["territorial"].home_page_id)
    english_home = home.get_translation(english)
    assert english_home.depth == 2
    english_pages = Page.objects.descendant_of(english_home)
    assert english_pages.filter(slug="o-profsoyuze").exists(), "the subtree came along"
    # Rights follow the new tree: the editor edits and publishes the English pages
    about = StandardPage.objects.descendant_of(english_home).get(slug="o-profsoyuze")
    assert admin.get(f"/admin/pages/{about.pk}/edit/").status_code == 200
    assert about.permissions_for_user(editor).can_publish()
    # and nobody else's rights changed: the other territorial site's tree is not theirs
    other = Page.objects.get(pk=region["other"].home_page_id)
    assert not other.permissions_for_user(editor).can_edit()


def publish_english(region, editor, about_title="About the union"):
    english, _ = translate_site(editor, region["territorial"])
    home = HomePage.objects.get(pk=region["territorial"].home_page_id)
    english_home = home.get_translation(english)
    english_home.title = "Zheleznogorsk city organization"
    english_home.save_revision().publish()
    about = StandardPage.objects.descendant_of(english_home).get(slug="o-profsoyuze")
    about.title = about_title
    about.save_revision().publish()
    return english_home


def test_members_switch_language_where_a_translation_exists(client, region, editor):
    publish_english(region, editor)

    russian = get(client, "zheleznogorsk.localhost").content.decode()
    link = '<link rel="alternate" hreflang="{}" href="http://zheleznogorsk.localhost/{}">'
    assert link.format("ru", "") in russian and link.format("en", "en/") in russian
    assert 'class="language-switcher"' in russian
    switch = 'href="http://zheleznogorsk.localhost/en/" hreflang="en" lang="en">English</a>'
    assert switch in russian

    english = get(client, "zheleznogorsk.localhost", "/en/")
    assert english.status_code == 200
    html = english.content.decode()
    assert '<html lang="en"' in html
    assert "About the union" in html  # the English header lists the English pages
    assert "О Профсоюзе" not in html
    assert 'hreflang="ru" lang="ru">Русский</a>' in html

    # The Russian header is unchanged
    assert "О Профсоюзе" in russian and "About the union" not in russian


def test_no_switcher_where_there_is_no_translation(client, region, editor):
    publish_english(region, editor)
    # The news index was translated but its English copy is unpublished: no switcher there
    english_home = HomePage.objects.get(pk=region["territorial"].home_page_id).get_translation(
        Locale.objects.get(language_code="en")
    )
    Page.objects.descendant_of(english_home).filter(slug="novosti").update(live=False)
    news = get(client, "zheleznogorsk.localhost", "/novosti/").content.decode()
    assert "language-switcher" not in news and 'hreflang="en"' not in news
    # A site never translated has none either
    rylsk = get(client, "rylsk.localhost").content.decode()
    assert "language-switcher" not in rylsk and "hreflang" not in rylsk


def test_the_switcher_follows_a_translation_unpublished_and_published_again(client, region, editor):
    """A page's languages are kept with the site chrome: unpublishing or publishing a
    translation renews them, so the switcher never links to a page that is not there."""
    english_home = publish_english(region, editor)
    about = StandardPage.objects.descendant_of(english_home).get(slug="o-profsoyuze")
    host, path = "zheleznogorsk.localhost", "/o-profsoyuze/"
    assert 'hreflang="en"' in get(client, host, path).content.decode()
    about.unpublish()
    russian = get(client, host, path).content.decode()
    assert "language-switcher" not in russian and 'hreflang="en"' not in russian
    about.save_revision().publish()
    assert 'hreflang="en"' in get(client, host, path).content.decode()
