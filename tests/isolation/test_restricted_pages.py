"""Pages under a view restriction (Wagtail's PageViewRestriction: a password, a login or
groups, on the page or on an ancestor) show in no listing an anonymous visitor could not
open: not in the news index or its year archive, on the home page, in the RSS feed, in the
regional news flow, in the search (per site and all sites), in the sitemap, in a neighbouring
news item's previous/next links or in the site's menu. The public pages beside them still
show everywhere, and the restricted page itself answers with Wagtail's password form."""

import datetime
import re
import xml.etree.ElementTree as ET  # our own sitemap, not untrusted input

import feedparser
import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from directory.models import ContactsPage
from home.models import StandardPage
from news.models import NewsIndexPage, NewsPage
from reports.models import PublicReportPage, ReportIndexPage
from sites.network.building import add_published_child
from sites.onboarding.services import onboard

from .. import factories
from ..site_content import build_small_region

pytestmark = pytest.mark.django_db

SCHOOL5 = "school5-zh.localhost"  # the site with the restricted pages
SCHOOL7 = "school7-zh.localhost"  # a site whose whole news index is restricted
ZHELEZNOGORSK = "zheleznogorsk.localhost"  # the territorial organization above both
REGIONAL = "localhost"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PASSWORD = "members-only"
LOGIN = PageViewRestriction.LOGIN
WORD = "Ромашка"  # in every title and lead below, for the search

PUBLIC = {"title": f"{WORD}: открытый субботник", "lead": f"{WORD} — анонс субботника."}
PUBLIC_NEWER = {"title": f"{WORD}: открытый концерт", "lead": f"{WORD} — анонс концерта."}
SECRET = {"title": f"{WORD}: закрытое собрание", "lead": f"{WORD} — анонс собрания."}
SECTION_CHILD = {"title": f"{WORD}: страница для своих", "lead": f"{WORD} — тайный раздел."}
MEMBERS_NEWS = {"title": f"{WORD}: новость для членов", "lead": f"{WORD} — только членам."}
SECTION_TITLE = "Для членов профсоюза"
SECRET_REPORT_TITLE = "Закрытый отчёт за 2025 год"
HIDDEN = [
    SECRET["title"],
    SECRET["lead"],
    SECTION_CHILD["title"],
    SECTION_CHILD["lead"],
    MEMBERS_NEWS["title"],
    MEMBERS_NEWS["lead"],
    SECTION_TITLE,
    SECRET_REPORT_TITLE,
]


def news_index(organization):
    return NewsIndexPage.objects.child_of(organization.site.root_page).get()


def post(organization, slug, date, fields):
    page = NewsPage(slug=slug, date=date, show_in_parent_feed=True, **fields)
    page.tags.add("собрания")
    return add_published_child(news_index(organization), page)


def restrict(page, restriction_type, **fields):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=restriction_type, **fields
    )
    if restriction_type == PageViewRestriction.GROUPS:
        restriction.groups.add(Group.objects.create(name=f"Члены {page.pk}"))
    return restriction


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module in a transaction rolled back at its end; each test runs in a
    savepoint of it (pytest-django's `db`), so what a test changes is undone."""
    with django_db_blocker.unblock(), transaction.atomic():
        region = build_small_region()
        yield {"region": region, "pages": build_pages(region)}
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _each_cache(any_cache):
    """Every test here twice: with Redis, what a site's restrictions and aliases are is kept
    between views, and a site with none costs no restriction query (home/serving.py)."""
    return any_cache


@pytest.fixture
def region(db, world):
    return world["region"]


@pytest.fixture
def pages(db, world):
    return world["pages"]


def build_pages(region):
    """On the primary site school5-zh: two public news items and, dated between them, a
    password-restricted one; a section restricted to a group, with a page below it (the
    restriction is on its ancestor); a public and a password-restricted report. On another
    primary of the same territorial organization, a news item under a news index that is
    restricted as a whole. Every news item is flagged for the parent organizations' flow."""
    school5 = region["primary"]
    school7 = factories.org(
        "primary", "46-01-007", "ППО СОШ № 7", "school7-zh", region["territorial"]
    )
    onboard(school7)
    school7.refresh_from_db()
    home = school5.site.root_page

    older = post(school5, "subbotnik", datetime.date(2026, 10, 1), PUBLIC)
    secret = post(school5, "sobranie", datetime.date(2026, 10, 2), SECRET)
    newer = post(school5, "kontsert", datetime.date(2026, 10, 3), PUBLIC_NEWER)
    restrict(secret, PageViewRestriction.PASSWORD, password=PASSWORD)

    section = add_published_child(
        home, StandardPage(title=SECTION_TITLE, slug="dlya-chlenov", show_in_menus=True)
    )
    below = add_published_child(
        section,
        StandardPage(
            title=SECTION_CHILD["title"],
            slug="dlya-svoih",
            body=[("paragraph", f"<p>{SECTION_CHILD['lead']}</p>")],
        ),
    )
    restrict(section, PageViewRestriction.GROUPS)

    reports = ReportIndexPage.objects.child_of(home).get()
    add_published_child(
        reports,
        PublicReportPage(
            year=2024, title="Отчёт за 2024 год", slug="otchet-2024", summary="Итоги 2024 года."
        ),
    )
    secret_report = add_published_child(
        reports,
        PublicReportPage(
            year=2025, title=SECRET_REPORT_TITLE, slug="otchet-2025", summary="Итоги 2025 года."
        ),
    )
    restrict(secret_report, PageViewRestriction.PASSWORD, password=PASSWORD)

    members_index = news_index(school7)
    members_news = post(school7, "dlya-chlenov", datetime.date(2026, 10, 2), MEMBERS_NEWS)
    restrict(members_index, PageViewRestriction.PASSWORD, password=PASSWORD)
    return {
        "older": older,
        "secret": secret,
        "newer": newer,
        "section": section,
        "below": below,
        "secret_report": secret_report,
        "members_index": members_index,
        "members_news": members_news,
    }


def get(client, host, path="/", **params):
    response = client.get(path, params, HTTP_HOST=host)
    assert response.status_code == 200, (host, path, response.status_code)
    return response.content.decode()


def assert_only_public(text, where, *, public=(PUBLIC["title"], PUBLIC_NEWER["title"])):
    for hidden in HIDDEN:
        assert hidden not in text, (where, hidden)
    for shown in public:
        assert shown in text, (where, shown)


# The listings -------------------------------------------------------------------------------

LISTINGS = [
    pytest.param(SCHOOL5, "/novosti/", {}, id="news-index"),
    pytest.param(SCHOOL5, "/novosti/", {"year": "2026"}, id="year-archive"),
    pytest.param(SCHOOL5, "/novosti/", {"tag": "собрания"}, id="tag"),
    pytest.param(SCHOOL5, "/", {}, id="home"),
    pytest.param(ZHELEZNOGORSK, "/", {}, id="territorial-home-flow"),
    pytest.param(ZHELEZNOGORSK, "/novosti/organizatsiy/", {}, id="territorial-flow"),
    pytest.param(REGIONAL, "/", {}, id="regional-home-flow"),
    pytest.param(REGIONAL, "/novosti/organizatsiy/", {}, id="regional-flow"),
    pytest.param(SCHOOL5, "/search/", {"q": WORD}, id="search"),
    pytest.param(REGIONAL, "/search/", {"q": WORD, "all": "1"}, id="all-sites-search"),
]


@pytest.mark.parametrize(("host", "path", "params"), LISTINGS)
def test_a_listing_shows_the_public_news_and_nothing_restricted(client, pages, host, path, params):
    assert_only_public(get(client, host, path, **params), (host, path, params))


def test_the_feed_has_the_public_news_only(client, pages):
    response = client.get("/feed/", HTTP_HOST=SCHOOL5)
    assert response.status_code == 200
    body = response.content.decode()
    for hidden in HIDDEN:
        assert hidden not in body, hidden
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert [entry.title for entry in feed.entries] == [PUBLIC_NEWER["title"], PUBLIC["title"]]
    tagged = feedparser.parse(client.get("/feed/?tag=собрания", HTTP_HOST=SCHOOL5).content)
    assert [entry.title for entry in tagged.entries] == [PUBLIC_NEWER["title"], PUBLIC["title"]]
    members = feedparser.parse(client.get("/feed/", HTTP_HOST=SCHOOL7).content)
    assert members.entries == []


def test_the_year_archive_lists_no_year_of_restricted_news_only(client, pages):
    for name in ("older", "newer"):  # fresh: the module's objects outlive each test's changes
        NewsPage.objects.get(pk=pages[name].pk).unpublish()
    html = get(client, SCHOOL5, "/novosti/")
    assert "?year=2026" not in html, "only a restricted item is left in 2026"
    assert SECRET["title"] not in html


def test_the_home_page_shows_the_public_report_and_no_restricted_section(client, pages):
    html = get(client, SCHOOL5)
    assert "Итоги 2024 года." in html and "Итоги 2025 года." not in html
    nav = html[html.index('class="main-nav"') : html.index("</nav>", html.index("main-nav"))]
    assert "Новости" in nav and SECTION_TITLE not in nav
    reports = get(client, SCHOOL5, "/otchety/")
    assert "Отчёт за 2024 год" in reports and SECRET_REPORT_TITLE not in reports


def test_search_does_not_count_restricted_pages(client, pages):
    html = get(client, SCHOOL5, "/search/", q=WORD)
    assert "Найдено 2 страницы" in html, re.findall(r"Найден[^<]*", html)


def sitemap_urls(client, host):
    response = client.get("/sitemap.xml", HTTP_HOST=host)
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314
    return [loc.text for loc in root.iter(f"{SITEMAP}loc")]


def test_the_sitemap_lists_no_restricted_page(client, pages):
    urls = sitemap_urls(client, SCHOOL5)
    assert f"http://{SCHOOL5}/novosti/subbotnik/" in urls
    assert f"http://{SCHOOL5}/novosti/kontsert/" in urls
    assert f"http://{SCHOOL5}/otchety/otchet-2024/" in urls
    for hidden in (
        "/novosti/sobranie/",
        "/dlya-chlenov/",
        "/dlya-chlenov/dlya-svoih/",
        "/otchety/otchet-2025/",
    ):
        assert f"http://{SCHOOL5}{hidden}" not in urls, hidden
    members = sitemap_urls(client, SCHOOL7)
    assert f"http://{SCHOOL7}/" in members
    assert not any("/novosti/" in url for url in members), members


def test_previous_and_next_skip_a_restricted_neighbour(client, pages):
    newer = get(client, SCHOOL5, "/novosti/kontsert/")
    assert re.search(r'href="/novosti/subbotnik/" rel="prev">.*?открытый субботник<', newer, re.S)
    older = get(client, SCHOOL5, "/novosti/subbotnik/")
    assert re.search(r'href="/novosti/kontsert/" rel="next">.*?открытый концерт<', older, re.S)
    for html in (newer, older):
        assert "sobranie" not in html and SECRET["title"] not in html


# The restricted pages themselves ------------------------------------------------------------


def test_each_page_has_wagtails_view_restrictions_found_in_one_query(
    pages, django_assert_max_num_queries
):
    """Served pages look their restrictions up in one query (home/serving.py), to the same
    result as Wagtail's two: the page's and its ancestors', an alias counting as its original."""
    alias_of_secret = pages["secret"].create_alias(update_slug="sobranie-2")
    alias_below_restricted = pages["older"].create_alias(
        parent=pages["members_index"], update_slug="subbotnik-2"
    )
    for name, page in [
        *pages.items(),
        ("alias", alias_of_secret),
        ("alias2", alias_below_restricted),
    ]:
        page.get_view_restrictions()  # what the site has is kept now, with Redis
        with django_assert_max_num_queries(1):
            ours = set(page.get_view_restrictions())
        assert ours == set(Page.get_view_restrictions(page)), name
    assert (
        PageViewRestriction.objects.get(page=pages["secret"])
        in alias_of_secret.get_view_restrictions()
    )


def test_a_restriction_added_shows_on_the_next_view_whatever_was_kept(client, region, pages):
    """View restrictions are never kept between views (home/serving.py asks each time, in one
    query): one added shows on the next view, in the password form."""
    host = ZHELEZNOGORSK
    client.get("/novosti/", HTTP_HOST=host)
    with CaptureQueriesContext(connection) as queries:
        assert 'name="password"' not in client.get("/novosti/", HTTP_HOST=host).text
    asked = [
        q
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "wagtailcore_pageviewrestriction"')
    ]
    assert len(asked) == 1
    news = NewsIndexPage.objects.child_of(region["territorial"].site.root_page).get()
    restrict(news, PageViewRestriction.PASSWORD, password=PASSWORD)
    response = client.get("/novosti/", HTTP_HOST=host)
    assert 'name="password"' in response.text
    assert 'class="card"' not in response.text


def test_an_alias_of_a_restricted_page_made_on_another_site_is_restricted_at_once(
    client, region, pages, any_cache
):
    """An alias takes its original's restriction: a site that had no alias learns of the new
    one at once, and does not serve it as if it had none."""
    client.get("/", HTTP_HOST=ZHELEZNOGORSK)  # what the site has is kept now
    index = NewsIndexPage.objects.child_of(region["territorial"].site.root_page).get()
    pages["secret"].create_alias(parent=index, update_slug="sobranie-kopiya")
    response = client.get("/novosti/sobranie-kopiya/", HTTP_HOST=ZHELEZNOGORSK)
    assert SECRET["title"] not in response.text
    assert 'name="password"' in response.text


def test_an_alias_is_listed_nowhere_once_its_original_is_restricted(client, region, pages):
    """Wagtail copies the original's restrictions to an alias made later, not to one made
    before: an original restricted after it was aliased on another site leaves the alias
    restricted as it is, and the alias's site lists neither its title nor its lead."""
    index = NewsIndexPage.objects.child_of(region["territorial"].site.root_page).get()
    original = NewsPage.objects.get(pk=pages["older"].pk)
    original.create_alias(parent=index, update_slug="subbotnik-kopiya")
    assert PUBLIC["title"] in client.get("/novosti/", HTTP_HOST=ZHELEZNOGORSK).text
    restrict(original, PageViewRestriction.PASSWORD, password=PASSWORD)
    for path in ("/", "/novosti/", "/feed/"):
        html = client.get(path, HTTP_HOST=ZHELEZNOGORSK).content.decode()
        assert PUBLIC["title"] not in html and PUBLIC["lead"] not in html, path
    alias = client.get("/novosti/subbotnik-kopiya/", HTTP_HOST=ZHELEZNOGORSK).text
    assert 'name="password"' in alias and PUBLIC["lead"] not in alias


def test_a_restricted_page_answers_with_the_password_form_not_its_content(client, pages):
    for path in ("/novosti/sobranie/", "/otchety/otchet-2025/"):
        response = client.get(path, HTTP_HOST=SCHOOL5)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert 'name="password"' in html, path
        assert "og:title" not in html and "og:description" not in html, path
        for hidden in HIDDEN:
            assert hidden not in html, (path, hidden)
    # Restricted to a group: an anonymous visitor is sent to log in.
    response = client.get("/dlya-chlenov/dlya-svoih/", HTTP_HOST=SCHOOL5)
    assert response.status_code == 302
    assert SECTION_CHILD["lead"] not in response.content.decode()


def test_past_the_password_a_restricted_news_index_lists_its_news(client, pages):
    """The restriction on the listing page itself is the one the visitor has passed: the
    members-only news index shows its news to whoever gave the password."""
    index = pages["members_index"]
    response = client.get("/novosti/", HTTP_HOST=SCHOOL7)
    assert 'name="password"' in response.content.decode()
    assert MEMBERS_NEWS["title"] not in response.content.decode()
    restriction = PageViewRestriction.objects.get(page=index)
    response = client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{index.pk}/",
        {"password": PASSWORD, "return_url": "/novosti/"},
        HTTP_HOST=SCHOOL7,
    )
    assert response.status_code == 302
    assert MEMBERS_NEWS["title"] in get(client, SCHOOL7, "/novosti/")
    # Elsewhere it stays out: the home page, the feed and the flow are not behind the password.
    assert MEMBERS_NEWS["title"] not in get(client, SCHOOL7)
    assert MEMBERS_NEWS["title"] not in get(client, ZHELEZNOGORSK)


# A restriction added or removed later --------------------------------------------------------


def test_adding_and_removing_a_restriction_renews_the_cached_menu(client, pages):
    section = add_published_child(
        pages["older"].get_site().root_page,
        StandardPage(title="Ветераны педагогического труда", slug="veterany", show_in_menus=True),
    )
    assert "Ветераны педагогического труда" in get(client, SCHOOL5)  # the chrome is cached now
    restriction = restrict(section, PageViewRestriction.LOGIN)
    assert "Ветераны педагогического труда" not in get(client, SCHOOL5)
    restriction.delete()
    assert "Ветераны педагогического труда" in get(client, SCHOOL5)


def test_a_restricted_contacts_page_leaves_the_header_footer_and_home(client, region):
    contacts = ContactsPage.objects.child_of(region["primary"].site.root_page).get()
    contacts.address = "ул. Заповедная, д. 1"
    contacts.save_revision().publish()
    assert "ул. Заповедная, д. 1" in get(client, SCHOOL5)
    restrict(contacts, PageViewRestriction.PASSWORD, password=PASSWORD)
    for path in ("/", "/novosti/"):
        html = get(client, SCHOOL5, path)
        assert "ул. Заповедная" not in html and 'href="/kontakty/"' not in html, path


def test_restricting_a_published_item_takes_it_out_at_once(client, pages):
    for host, path in ((SCHOOL5, "/novosti/"), (SCHOOL5, "/"), (REGIONAL, "/")):
        get(client, host, path)  # warm
    restriction = restrict(pages["newer"], PageViewRestriction.LOGIN)
    for host, path in ((SCHOOL5, "/novosti/"), (SCHOOL5, "/"), (REGIONAL, "/")):
        assert PUBLIC_NEWER["title"] not in get(client, host, path), (host, path)
    restriction.delete()
    for host, path in ((SCHOOL5, "/novosti/"), (SCHOOL5, "/"), (REGIONAL, "/")):
        assert PUBLIC_NEWER["title"] in get(client, host, path), (host, path)


# Queries ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "path"),
    [
        (SCHOOL5, "/"),
        (SCHOOL5, "/novosti/"),
        (SCHOOL5, "/novosti/?year=2026"),
        (SCHOOL5, "/novosti/kontsert/"),
        (SCHOOL5, "/feed/"),
        (SCHOOL5, "/otchety/"),
        (REGIONAL, "/"),
    ],
)
def test_restrictions_cost_no_query_however_many_there_are(client, region, pages, host, path):
    """The restrictions are a subquery of each listing's query, not a query of their own: a
    warm request costs the same with 4 restrictions in the network as with 24."""
    school5 = region["primary"]
    counts = {}
    for extra in (0, 20):
        for n in range(PageViewRestriction.objects.count() - 4, extra):
            fields = {"title": f"Закрытая новость {n}", "lead": "Только для своих."}
            restrict(post(school5, f"closed-{n}", datetime.date(2026, 9, 1), fields), LOGIN)
        client.get(path, HTTP_HOST=host)  # warm: the chrome, renditions
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, HTTP_HOST=host)
        assert response.status_code == 200
        assert "Закрытая новость" not in response.content.decode()
        counts[extra] = len(queries)
    assert counts[0] == counts[20], counts
