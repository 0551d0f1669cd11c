"""The page listings' filters name only what the editor's own trees hold: not other
organizations' sites, nor their editors (whose usernames are e-mail addresses)."""

import pytest
from django.contrib.auth import get_user_model

from sites.onboarding import services as onboarding

from .. import factories

pytestmark = pytest.mark.django_db


def test_page_listing_filters_offer_only_the_own_site_and_people(client):
    a = factories.PrimaryOrganizationFactory(code="46-01-001", short_name="ППО школы А")
    b = factories.PrimaryOrganizationFactory(code="46-02-001", short_name="ППО школы Б")
    for organization in (a, b):
        onboarding.onboard(organization)
        organization.refresh_from_db()
    editor_a = get_user_model().objects.create_user("editor-a@a.example", password="x")
    editor_a.groups.add(a.editors_group)
    editor_b = get_user_model().objects.create_user("editor-b@b.example", password="x")
    editor_b.groups.add(b.editors_group)
    about_a = a.home_page.get_children().get(slug="o-profsoyuze").specific
    about_a.owner = editor_a
    about_a.save(update_fields=["owner"], clean=False)
    about_a.save_revision(user=editor_a, log_action=True)  # logged as an edit by A's editor

    client.force_login(editor_b)
    response = client.get(f"/admin/pages/{b.home_page_id}/")
    assert response.status_code == 200
    form = response.context["filters"].form
    sites = [str(choice) for choice in form.fields["site"].queryset]
    assert sites == [str(b.site)]
    assert "ППО школы А" not in response.text
    assert "editor-a@a.example" not in response.text
    assert not form.fields["owner"].queryset.filter(pk=editor_a.pk).exists()
    assert not form.fields["edited_by"].queryset.filter(pk=editor_a.pk).exists()

    client.force_login(editor_a)
    form = client.get(f"/admin/pages/{a.home_page_id}/").context["filters"].form
    assert form.fields["owner"].queryset.filter(pk=editor_a.pk).exists()
    assert form.fields["edited_by"].queryset.filter(pk=editor_a.pk).exists()


def test_a_filter_of_too_many_choices_is_left_out_unless_used(admin_client, settings, monkeypatch):
    """A regional admin of the national union would get every site's checkbox (30,000) on
    every page of the explorer: past MAX_FILTER_CHOICES the «site» filter is left out, and the
    explorer renders none of its choices. A request that uses it still filters (a bookmarked
    URL keeps working)."""
    from sites.patches import scoping

    monkeypatch.setattr(scoping, "MAX_FILTER_CHOICES", 4)
    organizations = []

    for total in (3, 8):
        for number in range(len(organizations), total):
            organization = factories.PrimaryOrganizationFactory(code=f"46-05-{number:03d}")
            onboarding.onboard(organization)
            organization.refresh_from_db()
            organizations.append(organization)
        response = admin_client.get("/admin/pages/")
        shown = "site" in response.context["filters"].form.fields
        assert shown == (total <= 4), total
        assert ('name="site"' in response.text) == shown
    chosen = organizations[5].site
    response = admin_client.get("/admin/pages/", {"site": chosen.pk, "q": "Новости"})
    assert "site" in response.context["filters"].form.fields
    listed = {page.pk for page in response.context["object_list"]}
    assert listed and all(
        page.path.startswith(chosen.root_page.path) for page in response.context["object_list"]
    ), listed


def test_the_user_lists_group_filter_is_left_out_past_the_limit(admin_client, monkeypatch):
    """Every organization has an editors' group: the user list's «group» filter would show
    one checkbox per organization of the network."""
    from django.contrib.auth.models import Group

    from sites.patches import scoping

    monkeypatch.setattr(scoping, "MAX_FILTER_CHOICES", 4)
    Group.objects.all().delete()
    for number in range(3):
        Group.objects.create(name=f"Редакторы {number}")
    response = admin_client.get("/admin/users/")
    assert "group" in response.context["filters"].form.fields
    for number in range(3, 8):
        Group.objects.create(name=f"Редакторы {number}")
    response = admin_client.get("/admin/users/")
    assert "group" not in response.context["filters"].form.fields
    assert "Редакторы 7" not in response.text
    chosen = Group.objects.get(name="Редакторы 7")
    response = admin_client.get("/admin/users/", {"group": chosen.pk})
    assert "group" in response.context["filters"].form.fields, "a request that uses it"
