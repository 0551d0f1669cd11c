"""`onboard_org --all-without-site --workers N`: several processes onboard at once, on
PostgreSQL, without racing for tree paths or hostnames (sites/onboarding/bulk.py). The
workers read committed data: these tests are transactional (tests/transactional.py)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from wagtail.models import Collection, GroupPagePermission, Page, Site

from directory.models import Organization
from tests.transactional import _migrated_rows_back  # noqa: F401

from .. import factories

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="workers need PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NO_PROBLEMS = ([], [], [], [], [])  # treebeard's find_problems(): a consistent tree


def test_two_workers_build_every_site_whole_with_a_consistent_tree():
    territorial = factories.TerritorialOrganizationFactory(code="46-01", hostname="zheleznogorsk")
    for number in range(9):
        # Four with one short name: their derived hostnames are the same until one is taken.
        short_name = "ППО СОШ № 1" if number < 4 else f"ППО СОШ № {number + 10}"
        factories.PrimaryOrganizationFactory(
            code=f"46-01-{number:03d}", short_name=short_name, parent=territorial
        )
    out = StringIO()
    call_command("onboard_org", "--all-without-site", "--workers", "2", stdout=out)

    count = Organization.objects.count()  # with the regional organization above: 11
    assert f"Создано сайтов: {count}, ошибок: 0." in out.getvalue()
    organizations = list(Organization.objects.select_related("site", "home_page"))
    assert all(organization.site_id for organization in organizations)
    hostnames = [organization.site.hostname for organization in organizations]
    assert len(set(hostnames)) == len(hostnames)
    for organization in organizations:
        sections = Page.objects.child_of(organization.home_page).live()
        assert sections.filter(slug="novosti").exists(), organization.code
        assert organization.collection_id and organization.editors_group_id
    assert Page.find_problems() == NO_PROBLEMS
    assert Collection.find_problems() == NO_PROBLEMS
    # The territorial organization's editors have their rights on every primary's site,
    # whichever of the two was onboarded first.
    territorial.refresh_from_db()
    for organization in organizations:
        if organization.parent_id == territorial.pk:
            rights = GroupPagePermission.objects.filter(
                group=territorial.editors_group, page=organization.home_page
            )
            assert rights.filter(permission__codename="publish_page").exists(), organization.code
    # Pages and collections are added the usual way afterwards, after the new ones.
    root = Page.get_first_root_node()
    page = root.add_child(instance=Page(title="После", slug="posle"))
    assert page.path > max(organization.home_page.path for organization in organizations)
    Collection.get_first_root_node().add_child(name="После")
    assert Collection.find_problems() == NO_PROBLEMS


def test_a_run_that_failed_for_some_is_completed_by_the_next():
    territorial = factories.TerritorialOrganizationFactory(code="46-01", hostname="zheleznogorsk")
    good = factories.PrimaryOrganizationFactory(code="46-01-001", parent=territorial)
    # Its address is another site's: reported, changing nothing; the rest are built.
    busy = factories.PrimaryOrganizationFactory(
        code="46-01-002", parent=territorial, hostname="busy"
    )
    squatter = Site.objects.create(hostname="busy.localhost", root_page=Page.get_first_root_node())
    err = StringIO()
    with pytest.raises(CommandError, match="Не удалось создать сайтов: 1"):
        call_command(
            "onboard_org", "--all-without-site", "--workers", "2", stdout=StringIO(), stderr=err
        )
    assert "busy.localhost уже занят другим сайтом" in err.getvalue()
    assert Organization.objects.get(pk=good.pk).site_id
    assert Organization.objects.get(pk=territorial.pk).site_id
    assert not Organization.objects.get(pk=busy.pk).site_id
    squatter.delete()
    out = StringIO()
    call_command("onboard_org", "--all-without-site", "--workers", "2", stdout=out)
    assert "Создано сайтов: 1, ошибок: 0." in out.getvalue()
    assert Page.find_problems() == NO_PROBLEMS
