"""Regional admins create sites from the admin, one organization or many at once; editors
cannot. Driven through the real Wagtail admin views with the Django test client."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from wagtail.models import Page, Site

from directory.models import Organization
from sites.network.roles import REGIONAL_ADMINS

from .. import factories

pytestmark = pytest.mark.django_db

BULK_URL = "/admin/bulk/directory/organization/onboard/"


@pytest.fixture
def regional_admin(client):
    """A member of the real regional admins' group that migrations set up: not a superuser."""
    user = get_user_model().objects.create_user(
        "admin46", email="admin@obkom.example", password="x"
    )
    user.groups.add(Group.objects.get(name=REGIONAL_ADMINS))
    client.force_login(user)
    return client


@pytest.fixture
def territorial():
    return factories.TerritorialOrganizationFactory(
        code="46-01", short_name="Железногорская городская организация", hostname=""
    )


def onboard_url(organization):
    return reverse("sites_onboard", args=[organization.pk])


def test_regional_admins_are_a_group_not_superusers():
    group = Group.objects.get(name=REGIONAL_ADMINS)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"access_admin", "onboard_organization", "change_organization", "add_user"} <= codenames
    assert not {"add_group", "change_group"} & codenames, "no group management: no self-escalation"


def test_form_is_prefilled_and_creates_the_site(
    regional_admin, territorial, django_capture_on_commit_callbacks
):
    form = regional_admin.get(onboard_url(territorial))
    assert form.status_code == 200
    assert 'value="zheleznogorskaya-gorodskaya"' in form.text
    with django_capture_on_commit_callbacks(execute=True):
        done = regional_admin.post(
            onboard_url(territorial),
            {"hostname": "zheleznogorsk", "editors": "boss@zh.example, deputy@zh.example"},
        )
    assert done.status_code == 200
    territorial.refresh_from_db()
    assert territorial.site.hostname == "zheleznogorsk.localhost"
    assert 'href="http://zheleznogorsk.localhost/"' in done.text
    assert reverse("wagtailadmin_explore", args=[territorial.home_page_id]) in done.text
    assert sorted(m.to[0] for m in mail.outbox) == ["boss@zh.example", "deputy@zh.example"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"hostname": "Железногорск"}, "Недопустимое имя сайта"),
        ({"hostname": "taken"}, "уже указан у другой организации"),
        ({"hostname": "zheleznogorsk", "editors": "boss@zh"}, "Неверный адрес электронной почты"),
    ],
)
def test_bad_input_shows_a_russian_message_and_changes_nothing(
    regional_admin, territorial, data, message
):
    factories.TerritorialOrganizationFactory(code="46-02", hostname="taken")
    pages, sites, users = (
        Page.objects.count(),
        Site.objects.count(),
        get_user_model().objects.count(),
    )
    response = regional_admin.post(onboard_url(territorial), data)
    assert response.status_code == 200
    assert message in response.text
    assert (Page.objects.count(), Site.objects.count(), get_user_model().objects.count()) == (
        pages,
        sites,
        users,
    )


def test_an_organization_with_a_site_is_not_offered_a_second(regional_admin, territorial):
    regional_admin.post(onboard_url(territorial), {"hostname": "zheleznogorsk"})
    sites = Site.objects.count()
    response = regional_admin.post(onboard_url(territorial), {"hostname": "zh2"}, follow=True)
    assert "уже есть сайт" in response.text
    assert Site.objects.count() == sites


def test_editor_is_refused_and_nothing_changes(editor_client, territorial):
    for response in (
        editor_client.get(onboard_url(territorial)),
        editor_client.post(onboard_url(territorial), {"hostname": "zheleznogorsk"}),
        editor_client.get(BULK_URL, {"id": territorial.pk}),
        editor_client.post(f"{BULK_URL}?id={territorial.pk}"),
    ):
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response.url == reverse("wagtailadmin_home")
    territorial.refresh_from_db()
    assert territorial.site is None


def test_bulk_action_creates_sites_for_the_selected_and_skips_those_with_one(
    regional_admin, territorial
):
    schools = [
        factories.PrimaryOrganizationFactory(
            code=f"46-01-00{n}", short_name=f"ППО СОШ № {n}", parent=territorial
        )
        for n in (1, 2, 3)
    ]
    regional_admin.post(onboard_url(schools[0]), {"hostname": "school1"})
    query = "&".join(f"id={org.pk}" for org in schools[:2] + [territorial])

    confirm = regional_admin.get(f"{BULK_URL}?{query}")
    assert confirm.status_code == 200
    assert "ППО СОШ № 2" in confirm.text and "Уже есть сайт" in confirm.text

    done = regional_admin.post(f"{BULK_URL}?{query}")
    assert done.status_code == 200
    assert "Созданы сайты (2)" in done.text
    assert Organization.objects.get(pk=schools[1].pk).site_id
    assert Organization.objects.get(pk=territorial.pk).site_id
    assert Organization.objects.get(pk=schools[2].pk).site_id is None, "not selected"


def test_registry_listing_offers_create_site_and_bulk_selection(regional_admin, territorial):
    with_site = factories.TerritorialOrganizationFactory(code="46-02", hostname="rylsk")
    regional_admin.post(onboard_url(with_site), {"hostname": "rylsk"})
    listing = regional_admin.get(reverse("organizations:index"))
    assert listing.status_code == 200
    assert f'href="{onboard_url(territorial)}"' in listing.text
    assert f'href="{onboard_url(with_site)}"' not in listing.text, "it already has a site"
    assert "data-bulk-action-checkbox" in listing.text
    assert "Создать сайты" in listing.text  # the bulk action's button in the footer


def test_registry_listing_offers_editors_of_the_registry_no_onboarding(
    registry_admin_client, territorial
):
    listing = registry_admin_client.get(reverse("organizations:index"))
    assert listing.status_code == 200
    assert onboard_url(territorial) not in listing.text
    assert "data-bulk-action-checkbox" not in listing.text
