"""152-ФЗ on every site: the personal data policy page onboarding makes, naming the site's
organization from the registry as the operator and kept in step with it; the footer link on
every page; the sites made before it get theirs on the next migration; no Gravatar; the
optional Yandex Metrica counter named in the policy."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from directory.models import Organization
from privacy.models import POLICY_SLUG, POLICY_VERSION, PrivacyPolicyPage
from sites.network.models import SiteBranding
from sites.onboarding.pages import EVERY_SITE, complete_sites

from ..site_content import ZHELEZNOGORSK

pytestmark = pytest.mark.django_db

POLICY = f"/{POLICY_SLUG}/"


def test_every_onboarded_site_has_its_policy_naming_its_organization(client, region):
    for organization in region.values():
        assert PrivacyPolicyPage.objects.child_of(organization.home_page).live().count() == 1
    response = client.get(POLICY, HTTP_HOST=ZHELEZNOGORSK)
    assert response.status_code == 200
    html = response.text
    assert "Политика обработки персональных данных" in html
    assert "Железногорская городская организация" in html
    assert "г. Железногорск, ул. Ленина, д. 57" in html
    assert "Иванова Татьяна Николаевна" in html
    assert "zh@profobr46.example" in html
    assert f"Редакция {POLICY_VERSION}" in html
    assert "Рыльская" not in html


def test_every_page_links_to_the_policy_in_its_footer(client, region):
    for path in ("/", "/novosti/", "/kontakty/", "/o-profsoyuze/", "/no-such-page/"):
        html = client.get(path, HTTP_HOST=ZHELEZNOGORSK).text
        assert f'href="{POLICY}">Политика обработки персональных данных</a>' in html, path


def test_the_policy_follows_the_registry(client, region):
    territorial = region["territorial"]
    client.get(POLICY, HTTP_HOST=ZHELEZNOGORSK)
    territorial.chair = "Петров Пётр Петрович"
    territorial.address = "г. Железногорск, ул. Мира, д. 1"
    territorial.save()
    html = client.get(POLICY, HTTP_HOST=ZHELEZNOGORSK).text
    operator = html.split('<dl class="policy__operator">')[1].split("</dl>")[0]
    assert "Петров Пётр Петрович" in operator and "ул. Мира, д. 1" in operator
    assert "Иванова Татьяна Николаевна" not in operator  # (the contacts page is the editors')


def test_sites_made_before_get_their_policy_once(region):
    territorial = region["territorial"]
    PrivacyPolicyPage.objects.child_of(territorial.home_page).delete()
    assert complete_sites() == 1
    policy = PrivacyPolicyPage.objects.child_of(territorial.home_page).get()
    assert policy.live and not policy.show_in_menus
    with CaptureQueriesContext(connection) as queries:
        assert complete_sites() == 0, "nothing to do the second time"
    assert len(queries) <= 1 + len(EVERY_SITE)  # the homes, then one per page type
    assert PrivacyPolicyPage.objects.count() == Organization.objects.count()


def test_a_slug_taken_by_an_editor_is_not_overwritten(region):
    territorial = region["territorial"]
    PrivacyPolicyPage.objects.child_of(territorial.home_page).delete()
    home = Page.objects.get(pk=territorial.home_page_id)
    other = home.get_children().get(slug="o-profsoyuze").specific
    other.slug = POLICY_SLUG
    other.save_revision().publish()
    complete_sites()
    policy = PrivacyPolicyPage.objects.child_of(home).get()
    assert policy.slug == f"{POLICY_SLUG}-2"


def test_no_gravatar_in_the_admin(client, region, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(user)
    for url in ("/admin/", "/admin/users/", f"/admin/users/edit/{user.pk}/", "/admin/account/"):
        html = client.get(url).text
        assert "gravatar" not in html.lower(), url


def test_metrica_is_named_in_the_policy_only_where_it_is_on(client, region):
    site = region["territorial"].site
    html = client.get(POLICY, HTTP_HOST=ZHELEZNOGORSK).text
    assert "Яндекс Метрика" not in html
    assert "не собирает статистику посещений" in html
    branding = SiteBranding.for_site(site)
    branding.metrica_counter = "12345678"
    branding.save()
    html = client.get(POLICY, HTTP_HOST=ZHELEZNOGORSK).text
    assert "Яндекс Метрика" in html
    home = client.get("/", HTTP_HOST=ZHELEZNOGORSK).text
    assert 'data-metrica="12345678"' in home, "the cookie notice, which asks first"
    assert "mc.yandex.ru" not in home, "no counter script before the visitor agrees"


def test_without_a_counter_no_notice_and_no_script(client, region):
    home = client.get("/", HTTP_HOST=ZHELEZNOGORSK).text
    assert "cookie-notice" not in home and "metrica.js" not in home


def test_the_counter_must_be_a_number(client, region):
    from django.core.exceptions import ValidationError

    branding = SiteBranding.for_site(region["territorial"].site)
    branding.metrica_counter = '1"></script><script>alert(1)</script>'
    with pytest.raises(ValidationError):
        branding.full_clean()


def test_the_policy_page_costs_few_queries(client, region, django_assert_max_num_queries):
    client.get(POLICY, HTTP_HOST=ZHELEZNOGORSK)
    with django_assert_max_num_queries(15):
        assert client.get(POLICY, HTTP_HOST=ZHELEZNOGORSK).status_code == 200
