"""Prepared queries (home/prepared.py): compiled once, run with each view's values, they give
the same rows as the querysets they stand for, whatever the site, the restrictions, the slice
or the content at the time they run."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from home import prepared
from home.listing import below, below_slots, below_values, unrestricted
from home.models import HomePage
from news.flow import OrganizationsFeed
from news.models import NewsIndexPage, NewsPage
from news.models.news_page import LISTING_FIELDS, listing_under
from reports.models import PublicReportPage, ReportIndexPage
from sites.network.building import add_published_child

from .. import factories

pytestmark = pytest.mark.django_db

HOME_PATH_LENGTH = 2 * Page.steplen  # every site's home page is a child of Wagtail's root
KINDS_BELOW = ("territorial", "primary")
LOADED = ("pk", "title", "url_path", "path", "date", "lead", "main_image_id", "first_published_at")


def loaded(items):
    return [tuple(getattr(item, name) for name in LOADED) for item in items]


def post(organization, slug, day, *, flagged=False, image=None):
    index = NewsIndexPage.objects.child_of(organization.site.root_page).get()
    return add_published_child(
        index,
        NewsPage(
            title=f"Новость {slug}",
            slug=slug,
            date=datetime.date(2026, 3, 1) + datetime.timedelta(days=day),
            lead=f"Коротко о {slug}.",
            main_image=image,
            show_in_parent_feed=flagged,
        ),
    )


@pytest.fixture
def network(region):
    """The small region with news on every site (some with a photo, some flagged for the
    parent, two on the same day), a members-only news item and a members-only news index on
    another site."""
    photo = factories.ImageFactory(file__width=800, file__height=450)
    for number, organization in enumerate(region.values()):
        for day in range(6):
            post(
                organization,
                f"n{number}-{day}",
                day % 4,
                flagged=day % 2 == 0,
                image=photo if day % 3 == 0 else None,
            )
    secret = post(region["primary"], "secret", 9, flagged=True)
    PageViewRestriction.objects.create(page=secret, restriction_type="login")
    other_index = NewsIndexPage.objects.child_of(region["other"].site.root_page).get()
    PageViewRestriction.objects.create(page=other_index, restriction_type="password", password="x")
    return region


def test_a_sites_listing_is_the_querysets_for_every_page_and_slice(network):
    pages = [*HomePage.objects.all(), *NewsIndexPage.objects.all()]
    for page in pages:
        for shown_on in (page, None):
            for start, stop in ((0, 4), (0, 10), (2, 5), (10, 20), (0, 0)):
                expected = list(NewsPage.objects.for_listing(page, shown_on)[start:stop])
                got = listing_under(page, shown_on, start, stop)
                assert loaded(got) == loaded(expected), (page.url_path, shown_on, start, stop)
                assert [item.listed_tags for item in got] == [item.listed_tags for item in expected]
                for ours, theirs in zip(got, expected, strict=True):
                    if ours.main_image_id:
                        assert ours.main_image.file.name == theirs.main_image.file.name
    # The members-only index's news are listed to those who opened it, and nowhere else.
    other_index = NewsIndexPage.objects.child_of(network["other"].site.root_page).get()
    assert listing_under(other_index, other_index, 0, 10)
    assert listing_under(other_index, None, 0, 10) == []


def test_the_organizations_feed_is_the_registrys(network):
    """The feed of a site: the flagged, live, public news of the sites of the organizations
    whose parent or grandparent in the registry is the site's, newest first; the same by the
    prepared query and by the queryset."""
    from directory.models import Organization

    def expected(organization):
        below = {
            org.site.root_page.path: org
            for org in Organization.objects.filter(site__isnull=False, kind__in=KINDS_BELOW)
            if organization.pk in (org.parent_id, org.parent and org.parent.parent_id)
        }
        flagged = unrestricted(NewsPage.objects.live().filter(show_in_parent_feed=True))
        found = [news for news in flagged if news.path[:HOME_PATH_LENGTH] in below]
        return sorted(found, key=lambda news: (news.date, news.pk), reverse=True), below

    for organization in network.values():

        class Chrome:  # what OrganizationsFeed reads of the site chrome
            site = organization.site

            @staticmethod
            def kept(name, build):
                return build()

        feed = OrganizationsFeed(Chrome)
        news, below = expected(organization)
        for count in (1, 4, 50):
            assert [item.pk for item in feed.news(NewsPage.objects)[:count]] == [
                item.pk for item in news[:count]
            ]
            latest = feed.latest(count, NewsPage.objects)
            assert [item.pk for item in latest] == [item.pk for item in news[:count]]
        for item in feed.label(feed.latest(50, NewsPage.objects)):
            source = below[item.path[:HOME_PATH_LENGTH]]  # the home page is its ancestor
            assert (item.source.pk, item.source.short_name) == (source.pk, source.short_name)
            assert item.original_url == item.get_full_url()
        if organization in (network["regional"], network["territorial"]):
            titles = [item.title for item in news]
            assert titles, organization
            assert "Новость secret" not in titles  # members-only: never leaves its site


def test_the_latest_report_is_the_querysets(network):
    home = network["territorial"].site.root_page.specific
    assert home.latest_report() is None
    index = ReportIndexPage.objects.child_of(home).get()
    for year in (2024, 2025):
        add_published_child(
            index,
            PublicReportPage(title=f"Отчёт {year}", slug=f"o-{year}", year=year, summary="Итоги."),
        )
    expected = (
        unrestricted(PublicReportPage.objects.live().filter(below(home)), home)
        .order_by("-year")
        .first()
    )
    report = home.latest_report()
    assert (report.pk, report.title, report.url_path, report.year) == (
        expected.pk,
        "Отчёт 2025",
        expected.url_path,
        2025,
    )
    PageViewRestriction.objects.create(page=expected, restriction_type="login")
    assert home.latest_report().title == "Отчёт 2024"


def test_compiled_once_run_every_time(network, monkeypatch):
    """The queryset is built and compiled on the first call of a shape only; each call runs
    one query, and sees what the database holds at that moment."""
    builds = []
    query = prepared.Prepared(
        lambda: (
            builds.append(1)
            or NewsPage.objects.live().filter(below_slots()).only(*LISTING_FIELDS).order_by("pk")
        )
    )
    homes = list(HomePage.objects.order_by("pk"))
    for home in homes * 2:
        with CaptureQueriesContext(connection) as queries:
            got = query(**below_values(home))
        assert len(queries) == 1
        assert [item.pk for item in got] == list(
            NewsPage.objects.live().filter(below(home)).order_by("pk").values_list("pk", flat=True)
        )
    assert builds == [1]
    newest = post(network["primary"], "just-published", 20)
    primary_home = network["primary"].site.root_page
    assert newest.pk in [item.pk for item in query(**below_values(primary_home))]
    newest.unpublish()
    assert newest.pk not in [item.pk for item in query(**below_values(primary_home))]


def test_a_new_shape_compiles_anew_and_only_so_many_are_kept(network, monkeypatch):
    monkeypatch.setattr(prepared, "MAX_SHAPES", 3)
    query = prepared.Prepared(lambda size: NewsPage.objects.order_by("pk")[:size])
    for size in range(1, 6):
        assert len(query((size,))) == min(size, NewsPage.objects.count())
    assert len(query._compiled) == 3
    assert query((0,)) == []  # an empty slice runs no query


def test_a_news_items_neighbours_and_route_are_the_querysets(network, client):
    """Older and newer in the index's order (two on the same day ordered by id), none under a
    restriction the item has not passed; and each item served at its own address."""
    from django.db.models import Q

    from home.listing import below_path

    for page in NewsPage.objects.live():
        siblings = unrestricted(
            NewsPage.objects.live()
            .filter(below_path(page.path[: -page.steplen]), depth=page.depth)
            .exclude(pk=page.pk),
            page,
        )
        older = siblings.filter(Q(date__lt=page.date) | Q(date=page.date, pk__lt=page.pk))
        newer = siblings.filter(Q(date__gt=page.date) | Q(date=page.date, pk__gt=page.pk))
        expected = (older.order_by("-date", "-pk").first(), newer.order_by("date", "pk").first())
        got = page.neighbours()
        assert [item and item.pk for item in got] == [item and item.pk for item in expected]
    primary = network["primary"]
    for page in NewsPage.objects.live().filter(below(primary.site.root_page))[:3]:
        response = client.get(page.url, HTTP_HOST=primary.site.hostname)
        assert response.status_code == 200
        assert response.context["page"].pk == page.pk
    response = client.get("/novosti/net-takoy/", HTTP_HOST=primary.site.hostname)
    assert response.status_code == 404


def test_the_feeds_prepared_query_takes_the_model_only(network):
    from news.flow import _latest_prepared

    with pytest.raises(ValueError, match="manager"):
        _latest_prepared(NewsPage.objects.filter(pk=-1))
