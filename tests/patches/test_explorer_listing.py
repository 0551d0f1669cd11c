"""The page listings of users whose explorable pages are every page (superusers, regional
admins) go without Wagtail's subquery of explorable pages (sites/patches/speed.py): the same
pages as Wagtail's own listing, without the subquery; anyone else keeps Wagtail's."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.admin.views.pages.listing import ExplorableIndexView, IndexView
from wagtail.models import GroupPagePermission, Locale, Page
from wagtail.query import PageQuerySet

from sites.isolation.pages import sees_every_page
from sites.network.roles import ensure_regional_admins_group
from sites.onboarding import services as onboarding

from .. import factories

pytestmark = pytest.mark.django_db

# The explorable pages' subquery (one `path LIKE … AND depth >= …` per right, ORed).
EXPLORABLE_SUBQUERY = 'IN (SELECT V0."id" AS "pk" FROM "wagtailcore_page" V0 WHERE'


@pytest.fixture
def sites(db):
    onboarding.site_template()
    organizations = []
    for code in ("46-01-001", "46-01-002"):
        organization = factories.PrimaryOrganizationFactory(code=code)
        onboarding.onboard(organization)
        organization.refresh_from_db()
        organizations.append(organization)
    return organizations


def user_in(group, username):
    user = get_user_model().objects.create_user(username, password="x")
    user.groups.add(group)
    return user


def test_who_sees_every_page(sites, admin_user):
    regional_admin = user_in(ensure_regional_admins_group(), "regional")
    editor = user_in(sites[0].editors_group, "editor")
    root_viewer = user_in(Group.objects.create(name="Только просмотр"), "viewer")
    GroupPagePermission.objects.create(
        group=root_viewer.groups.get(),
        page=Page.get_first_root_node(),
        permission=Permission.objects.get(codename="view_page"),
    )
    assert sees_every_page(admin_user) and sees_every_page(regional_admin)
    assert not sees_every_page(editor), "rights on a home page are not rights on the root"
    assert not sees_every_page(root_viewer), "viewing is not among the exploring rights"
    regional_admin.is_active = False
    assert not sees_every_page(regional_admin)


def listing(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {}, follow=True)  # an editor: to their home
    assert response.status_code == 200
    pages = [page.pk for page in response.context["object_list"]]
    return pages, any(EXPLORABLE_SUBQUERY in query["sql"] for query in queries)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/admin/pages/", {}),
        ("/admin/pages/", {"q": "Новости"}),
    ],
)
def test_the_same_pages_as_wagtails_listing(client, sites, monkeypatch, url, params):
    regional_admin = user_in(ensure_regional_admins_group(), "regional")
    editor = user_in(sites[0].editors_group, "editor")
    client.force_login(regional_admin)
    ours, with_subquery = listing(client, url, params)
    assert ours and not with_subquery
    client.force_login(editor)
    editors, editor_subquery = listing(client, url, params)
    assert editor_subquery, "an editor's listing keeps Wagtail's restriction"
    assert all(
        pk not in editors
        for pk in Page.objects.descendant_of(sites[1].home_page).values_list("pk", flat=True)
    )

    for view in (ExplorableIndexView, IndexView):
        monkeypatch.setattr(view, "get_base_queryset", view.get_base_queryset.wagtails)
    client.force_login(regional_admin)
    wagtails, _ = listing(client, url, params)
    assert ours == wagtails
    client.force_login(editor)
    assert listing(client, url, params)[0] == editors


def test_site_roots_are_those_wagtail_finds(sites):
    """Every page, a translation of a site's home page included (a root in another
    language), is a site root in our annotation exactly when it is in Wagtail's."""
    english = Locale.objects.create(language_code="en")
    translated_home = sites[0].home_page.copy_for_translation(english)
    ours = dict(Page.objects.annotate_site_root_state().values_list("pk", "_is_site_root"))
    wagtails = dict(
        PageQuerySet.annotate_site_root_state.wagtails(Page.objects.all()).values_list(
            "pk", "_is_site_root"
        )
    )
    assert ours == wagtails
    assert ours[translated_home.pk] and ours[sites[1].home_page_id]
    assert not ours[Page.objects.get(depth=1).pk]
    assert sum(ours.values()) >= 3


def test_the_page_chooser_of_a_regional_admin_needs_no_subquery(client, sites):
    regional_admin = user_in(ensure_regional_admins_group(), "regional")
    editor = user_in(sites[0].editors_group, "editor")
    client.force_login(regional_admin)
    chosen, with_subquery = chooser_listing(client)
    assert not with_subquery
    assert {sites[0].home_page_id, sites[1].home_page_id} <= set(chosen)
    client.force_login(editor)
    chosen, with_subquery = chooser_listing(client)
    assert with_subquery and chosen == [sites[0].home_page_id], "an editor's own tree only"


def chooser_listing(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/choose-page/")
    assert response.status_code == 200
    pages = [page.pk for page in response.context["pagination_page"]]
    return pages, any(EXPLORABLE_SUBQUERY in query["sql"] for query in queries)


def test_the_explorer_groups_the_sites_by_the_registrys_tree(client, region):
    """The Wagtail root holds every site's home page side by side; «Организация и
    нижестоящие» lists those of an organization and of the organizations below it."""
    client.force_login(user_in(ensure_regional_admins_group(), "regional"))
    response = client.get("/admin/pages/")
    assert "Организация и нижестоящие" in response.text  # a region's few: offered
    homes = {key: region[key].home_page_id for key in region}
    grouped, _ = listing(client, "/admin/pages/", {"organization": region["territorial"].pk})
    assert sorted(grouped) == sorted([homes["territorial"], homes["primary"]])
    whole, _ = listing(client, "/admin/pages/", {"organization": region["regional"].pk})
    assert sorted(whole) == sorted(homes.values())


def test_an_editor_groups_by_their_own_organization_only(client, region):
    """Another organization's id in the filter is not a choice: nothing of its sites shows."""
    editor = user_in(region["other"].editors_group, "editor-rylsk")
    client.force_login(editor)
    theirs = region["territorial"]
    response = client.get(
        f"/admin/pages/{Page.get_first_root_node().pk}/", {"organization": theirs.pk}, follow=True
    )
    assert response.status_code == 200
    shown = [page.pk for page in response.context["object_list"]]
    assert theirs.home_page_id not in shown and region["primary"].home_page_id not in shown
    assert theirs.short_name not in response.text


def test_the_registry_list_links_an_organizations_sites_in_the_explorer(client, region):
    client.force_login(user_in(ensure_regional_admins_group(), "regional"))
    listing_html = client.get(reverse("organizations:index")).text
    link = f"/admin/pages/?organization={region['territorial'].pk}"
    assert link in listing_html
    assert f"/admin/pages/?organization={region['primary'].pk}" not in listing_html
    grouped, _ = listing(client, link)
    assert region["primary"].home_page_id in grouped
