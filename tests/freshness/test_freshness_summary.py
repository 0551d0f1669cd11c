"""The freshness figures kept per site (sites/freshness/summary.py) follow what editors do in
the admin: publishing, unpublishing, deleting and moving a page renew the figures of the
sites concerned and of no other; offboarding leaves none; `manage.py refresh_freshness`
repairs bulk writes; an upgraded installation gets them after `migrate`. Renewing one site
costs the same number of queries however many sites there are."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from news.models import NewsIndexPage, NewsPage
from sites.freshness import summary
from sites.freshness.models import SiteFreshness, SiteNewsDay
from sites.freshness.status import Status
from sites.onboarding import services as onboarding

from .. import factories
from ..freshness.test_freshness import (
    onboarded,
    one_row,
    primary,
    publish_news,
    template_tree,  # noqa: F401 - a fixture
    territorial,
)
from ..isolation.test_foreign_references import news_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools(template_tree):  # noqa: F811 - the fixture imported above
    """Two primaries with freshly onboarded (empty) sites."""
    zh = territorial("46-01", parent=factories.regional_organization())
    return onboarded(primary(zh, "46-01-001")), onboarded(primary(zh, "46-01-002"))


def row(organization):
    return one_row(organization, timezone.now())


def news_index(organization):
    return NewsIndexPage.objects.child_of(organization.site.root_page).get()


def publish_in_admin(client, organization, slug="novost"):
    today = timezone.localdate().isoformat()
    response = client.post(
        f"/admin/pages/add/news/newspage/{news_index(organization).pk}/",
        {**news_data(title="Собрание", slug=slug, date=today), "action-publish": "1"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return NewsPage.objects.get(slug=slug)


def test_publishing_in_the_admin_renews_that_site_only(admin_client, schools):
    a, b = schools
    assert row(a).status == Status.EMPTY and row(a).news_recent == 0
    publish_in_admin(admin_client, a)
    published = row(a)
    assert published.status == Status.CURRENT
    assert published.last_news == timezone.localdate()
    assert published.news_recent == 1
    assert row(b).status == Status.EMPTY and row(b).news_recent == 0


def test_unpublishing_in_the_admin_takes_the_news_out(admin_client, schools):
    a, _ = schools
    news = publish_in_admin(admin_client, a)
    response = admin_client.post(f"/admin/pages/{news.pk}/unpublish/")
    assert response.status_code == 302
    after = row(a)
    assert (after.news_recent, after.last_news) == (0, None)
    assert after.status == Status.CURRENT, "publishing it was an update all the same"


def test_deleting_in_the_admin_renews_after_the_commit(
    admin_client, schools, django_capture_on_commit_callbacks
):
    a, _ = schools
    news = publish_in_admin(admin_client, a)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/pages/{news.pk}/delete/")
    assert response.status_code == 302
    assert not NewsPage.objects.filter(pk=news.pk).exists()
    assert row(a).news_recent == 0 and row(a).last_news is None


def test_moving_a_news_item_renews_both_sites(admin_client, schools):
    a, b = schools
    news = publish_in_admin(admin_client, a)
    response = admin_client.post(f"/admin/pages/{news.pk}/move/{news_index(b).pk}/confirm/")
    assert response.status_code == 302
    assert row(a).news_recent == 0
    assert row(b).news_recent == 1 and row(b).last_news == timezone.localdate()


def test_offboarding_leaves_no_figures_and_onboarding_brings_them_back(schools):
    a, _ = schools
    publish_news(a, timezone.now())
    onboarding.offboard(a)
    a.refresh_from_db()
    assert row(a).status == Status.NO_SITE
    assert not SiteFreshness.objects.filter(organization=a).exists()
    assert not SiteNewsDay.objects.filter(organization=a).exists()
    onboarding.onboard(a)
    a.refresh_from_db()
    assert row(a).news_recent == 1 and row(a).status == Status.CURRENT


def test_refresh_command_repairs_bulk_writes(schools):
    a, b = schools
    publish_news(a, timezone.now())
    NewsPage.objects.update(live=False)  # in bulk: no signal
    assert row(a).news_recent == 1, "the kept figure is stale until renewed"
    out = io.StringIO()
    call_command("refresh_freshness", stdout=out)
    assert row(a).news_recent == 0
    assert "2 сайтов" in out.getvalue()


def test_an_upgraded_installation_gets_the_figures_after_migrate(schools):
    a, _ = schools
    publish_news(a, timezone.now())
    SiteFreshness.objects.all().delete()
    SiteNewsDay.objects.all().delete()
    summary.fill_if_missing(sender=None)
    assert SiteFreshness.objects.count() == 2
    assert row(a).news_recent == 1 and row(a).status == Status.CURRENT


def test_renewing_a_site_costs_the_same_with_more_sites(schools):
    a, _ = schools

    def cost():
        with CaptureQueriesContext(connection) as queries:
            summary.refresh([a.pk])
        return len(queries)

    small = cost()
    zh = a.parent
    for n in range(4):
        publish_news(onboarded(primary(zh, f"46-01-1{n:02d}")), timezone.now())
    assert cost() == small <= 12, small
