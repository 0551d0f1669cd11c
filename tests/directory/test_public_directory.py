"""«Организации профсоюза»: the regional site lists the territorial organizations with their
primaries, each territorial site its own primaries, read from the registry, searchable by
name in any letter case, with the contacts of those that have no site."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import DirectoryPage
from sites.onboarding.services import OnboardingResult, ensure_directory_page, onboard

from .. import factories
from ..shared_region import module_region

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 15
REGIONAL = "localhost"
ZHELEZNOGORSK = "zheleznogorsk.localhost"


def organization(kind, code, short_name, parent, *, hostname="", site=True, **extra):
    org = factories.OrganizationFactory(
        kind=kind,
        code=code,
        short_name=short_name,
        name=f"{short_name} Общероссийского Профсоюза образования",
        hostname=hostname,
        parent=parent,
        **extra,
    )
    if site:
        onboard(org)
        org.refresh_from_db()
    return org


def build():
    regional = factories.regional_organization()
    onboard(regional)
    regional.refresh_from_db()
    zh = organization(
        "territorial", "46-01", "Железногорская городская", regional, hostname="zheleznogorsk"
    )
    ry = organization("territorial", "46-02", "Рыльская районная", regional, hostname="rylsk")
    gor = organization(
        "territorial",
        "46-03",
        "Горшеченская районная",
        regional,
        site=False,
        address="п. Горшечное, ул. Кирова, д. 1",
        phone="+7 (47133) 2-11-11",
        email="gor@profobr46.example",
    )
    return {
        "regional": regional,
        "zh": zh,
        "ry": ry,
        "gor": gor,
        "school5": organization("primary", "46-01-005", "ППО СОШ № 5", zh, hostname="school5-zh"),
        "kindergarten": organization(
            "primary",
            "46-01-010",
            "ППО детского сада «Ёлочка»",
            zh,
            site=False,
            address="г. Железногорск, ул. Мира, д. 10",
            phone="+7 (47148) 3-33-33",
            email="elochka@example.org",
        ),
        "ry_school": organization("primary", "46-02-001", "ППО СОШ № 1 г. Рыльска", ry, site=False),
    }


region = module_region(build)


def get(client, host, **params):
    response = client.get("/organizatsii/", params, HTTP_HOST=host)
    assert response.status_code == 200, host
    return response.text


def main(html):
    return html[html.index("<main") : html.index("</main>")]


class TestOnboarding:
    def test_regional_and_territorial_sites_get_the_page_primaries_do_not(self, region):
        for key in ("regional", "zh", "ry"):
            home = region[key].site.root_page
            page = DirectoryPage.objects.child_of(home).get()
            assert (page.title, page.live, page.show_in_menus) == (
                "Организации профсоюза",
                True,
                True,
            )
        assert not DirectoryPage.objects.child_of(region["school5"].site.root_page).exists()

    def test_a_second_run_adds_nothing_and_an_existing_page_is_kept(self, region):
        zh = region["zh"]
        assert not onboard(zh).changed
        page = DirectoryPage.objects.child_of(zh.site.root_page).get()
        page.unpublish()
        result = OnboardingResult(zh)
        ensure_directory_page(zh, result)
        assert (
            result.created == [] and DirectoryPage.objects.child_of(page.get_parent()).count() == 1
        )

    def test_one_per_site(self, region):
        home = region["zh"].site.root_page.specific
        assert not DirectoryPage.can_create_at(home)
        assert DirectoryPage.can_create_at(region["school5"].site.root_page.specific)


class TestRegionalDirectory:
    def test_lists_territorial_organizations_with_their_primaries(self, client, region):
        html = main(get(client, REGIONAL))
        assert html.count("<h1") == 1
        headings = [
            line.split(">", 1)[1].split("<", 1)[0]
            for line in html.split('class="directory-group__title"')[1:]
        ]
        assert headings == [
            "Горшеченская районная",
            "Железногорская городская",
            "Рыльская районная",
        ]
        zh_group = html[
            html.index("Железногорская городская</h2>") : html.index("Рыльская районная</h2>")
        ]
        assert "ППО СОШ № 5" in zh_group and "ППО детского сада «Ёлочка»" in zh_group
        assert "ППО СОШ № 1 г. Рыльска" not in zh_group

    def test_links_sites_and_shows_contacts_of_those_without(self, client, region):
        html = main(get(client, REGIONAL))
        assert 'href="http://zheleznogorsk.localhost/">Сайт: Железногорская городская</a>' in html
        assert 'href="http://school5-zh.localhost/">Сайт: ППО СОШ № 5</a>' in html
        for contact in (
            "п. Горшечное, ул. Кирова, д. 1",
            'href="tel:+74713321111"',
            'href="mailto:gor@profobr46.example"',
            "г. Железногорск, ул. Мира, д. 10",
            'href="mailto:elochka@example.org"',
        ):
            assert contact in html, contact
        assert "Сайта и контактов пока нет." in html, "the Rylsk school has neither"

    def test_search_is_case_insensitive_in_cyrillic(self, client, region):
        html = main(get(client, REGIONAL, q="ЖЕЛЕЗНОГОРСКАЯ"))
        assert "Железногорская городская</h2>" in html
        assert "ППО СОШ № 5" in html, "a matching organization shows with all its primaries"
        assert "Рыльская районная" not in html and "Горшеченская" not in html
        assert "найдена 1 организация" in html

    def test_search_finds_a_primary_under_its_territorial_organization(self, client, region):
        html = main(get(client, REGIONAL, q="елочка"))  # «ё» typed as «е», lower case
        assert "Железногорская городская</h2>" in html
        assert "ППО детского сада «Ёлочка»" in html
        assert "ППО СОШ № 5" not in html, "only the matching primaries of a group"
        assert 'value="елочка"' in html

    def test_nothing_found(self, client, region):
        html = main(get(client, REGIONAL, q="Москва"))
        assert "По этому запросу организаций не найдено." in html
        assert "directory-group" not in html


class TestTerritorialDirectory:
    def test_lists_its_own_primaries_only(self, client, region):
        html = main(get(client, ZHELEZNOGORSK))
        assert "ППО СОШ № 5" in html and "ППО детского сада «Ёлочка»" in html
        assert "Рыльск" not in html and "Горшеченская" not in html
        assert "directory-group" not in html, "a flat list: no territorial groups"
        assert html.count("<h2") == 2

    def test_search(self, client, region):
        html = main(get(client, ZHELEZNOGORSK, q="сош"))
        assert "ППО СОШ № 5" in html and "Ёлочка" not in html


def add_below(region, host, first, last):
    """Organizations numbered first..last-1 below the site on `host`, half with a site; on
    the regional site one in five is territorial."""
    for n in range(first, last):
        parent, kind = (region["zh"] if n % 2 else region["ry"]), "primary"
        if host == REGIONAL and n % 5 == 0:
            parent, kind = region["regional"], "territorial"
        org = factories.OrganizationFactory(
            kind=kind,
            parent=parent,
            code=f"46-09-{n:03d}",
            short_name=f"Организация {n:03d}",
            address=f"Адрес {n}",
        )
        if n % 2:
            factories.site_for(org, f"org-{n}.localhost")


@pytest.mark.parametrize("host", [REGIONAL, ZHELEZNOGORSK])
@pytest.mark.parametrize("params", [{}, {"q": "организация"}, {"page": "2"}])
def test_query_budget_does_not_grow_with_the_registry(client, region, host, params):
    """A page of the directory costs the same queries at 5 and at 150 organizations below,
    half of them with a site, and shows one page of them."""
    counts, added = {}, 0
    for total in (5, 150):
        add_below(region, host, added, total)
        added = total
        get(client, host, **params)
        with CaptureQueriesContext(connection) as queries:
            html = main(get(client, host, **params))
        counts[total] = len(queries)
        entries = html.count("directory-list__item") + html.count("directory-group__title")
        assert entries >= min(total // 2, 10), (total, entries)
    assert counts[5] == counts[150], counts
    assert counts[150] <= QUERY_BUDGET, counts


class TestPages:
    def test_the_regional_site_pages_by_territorial_organization(self, client, region):
        add_below(region, REGIONAL, 0, 60)  # 12 more territorial: 15 groups
        first = main(get(client, REGIONAL))
        second = main(get(client, REGIONAL, page="2"))
        titles = [html.count('class="directory-group__title"') for html in (first, second)]
        assert titles == [DirectoryPage.GROUPS_PER_PAGE, 15 - DirectoryPage.GROUPS_PER_PAGE]
        assert "Горшеченская районная</h2>" in first, "sorted by name: Г before О"
        assert 'href="?page=2"' in first

    def test_a_territorial_site_pages_its_primaries(self, client, region):
        add_below(region, ZHELEZNOGORSK, 0, 120)  # 60 on zh, with the 2 of the fixture
        first = main(get(client, ZHELEZNOGORSK))
        second = main(get(client, ZHELEZNOGORSK, page="2"))
        assert first.count("directory-list__item") == DirectoryPage.PER_PAGE
        assert second.count("directory-list__item") == 62 - DirectoryPage.PER_PAGE

    def test_a_search_keeps_its_query_across_pages(self, client, region):
        add_below(region, ZHELEZNOGORSK, 0, 120)
        html = main(get(client, ZHELEZNOGORSK, q="Организация 0"))
        # The odd of 001…099 are on Zheleznogorsk's: 50, one page; and nothing of page 2.
        assert "найдено 50 организаций" in html
        assert "Организация 101" not in html and "?q=" not in html
        html = main(get(client, ZHELEZNOGORSK, q="ОРГАНИЗАЦИЯ"))  # all 60 of them: 2 pages
        assert "найдено 60 организаций" in html
        assert (
            'href="?q=%D0%9E%D0%A0%D0%93%D0%90%D0%9D%D0%98%D0%97%D0%90%D0%A6%D0%98%D0%AF&amp;page=2"'
            in html
        )
        second = main(get(client, ZHELEZNOGORSK, q="ОРГАНИЗАЦИЯ", page="2"))
        assert second.count("directory-list__item") == 60 - DirectoryPage.PER_PAGE

    @pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "1.5", "2" * 40])
    def test_a_nonsense_page_number_shows_a_page(self, client, region, page):
        html = main(get(client, REGIONAL, page=page))
        assert "Железногорская городская</h2>" in html

    def test_a_search_is_not_sql(self, client, region):
        for query in ("%", "_", "\\", "' OR 1=1 --"):
            html = main(get(client, REGIONAL, q=query))
            assert "По этому запросу организаций не найдено." in html, query


def test_another_regions_organizations_never_show(client, region):
    orel = factories.org("regional", "57", "Орловская областная", "orel")
    onboard(orel)
    orel_city = organization("territorial", "57-01", "Орловская городская", orel, hostname="orelg")
    organization("primary", "57-01-001", "ППО лицея № 1 г. Орла", orel_city, site=False)
    kursk = main(get(client, REGIONAL)) + main(get(client, REGIONAL, q="орл"))
    assert "Орловская" not in kursk and "Орла" not in kursk
    orel_page = main(get(client, "orel.localhost"))
    assert "Орловская городская</h2>" in orel_page and "ППО лицея № 1 г. Орла" in orel_page
    assert "Железногорская" not in orel_page
