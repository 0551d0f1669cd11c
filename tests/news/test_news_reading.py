"""Reading the news on an organization's site: the archive by year, a news item with its
responsive picture, its neighbours, share links and the meta tags a repost to VK reads."""

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from news.models import NewsIndexPage, NewsPage
from sites.network.building import add_published_child
from sites.onboarding.services import onboard

from .. import factories

pytestmark = pytest.mark.django_db

HOST = "zheleznogorsk.localhost"
QUERY_BUDGET = 15


@pytest.fixture
def territorial():
    regional = factories.regional_organization()
    organization = factories.TerritorialOrganizationFactory(
        code="46-01",
        short_name="Железногорская городская организация",
        hostname="zheleznogorsk",
        parent=regional,
    )
    onboard(organization)
    organization.refresh_from_db()
    return organization


@pytest.fixture
def index(territorial):
    return NewsIndexPage.objects.child_of(territorial.site.root_page).get()


def publish(index, slug, date, **fields):
    fields.setdefault("title", f"Новость {slug}")
    fields.setdefault("lead", f"Анонс {slug}")
    return add_published_child(index, NewsPage(slug=slug, date=date, **fields))


def get(client, path="/", host=HOST, **params):
    return client.get(path, params, HTTP_HOST=host)


class Tags(HTMLParser):
    """The attributes of every start tag, by tag name."""

    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag_name, **match):
        return [
            attrs
            for tag, attrs in self.tags
            if tag == tag_name and all(attrs.get(k) == v for k, v in match.items())
        ]

    def meta(self, key):
        found = self.all("meta", property=key) or self.all("meta", name=key)
        assert len(found) == 1, (key, found)
        return found[0]["content"]


class TestYearArchive:
    @pytest.fixture
    def news(self, index):
        dated = {
            "n2026": datetime.date(2026, 3, 1),
            "n2025a": datetime.date(2025, 12, 31),
            "n2025b": datetime.date(2025, 1, 1),
            "n2023": datetime.date(2023, 6, 1),
        }
        pages = {slug: publish(index, slug, date) for slug, date in dated.items()}
        pages["n2023"].unpublish()  # its year is not in the archive any more
        return pages

    def test_lists_the_years_that_have_live_news_newest_first(self, client, news):
        html = get(client, "/novosti/").text
        nav = html[html.index('class="year-nav"') : html.index("</nav>", html.index("year-nav"))]
        assert re.findall(r"\?year=(\d+)", nav) == ["2026", "2025"]
        assert 'href="/novosti/" aria-current="page">Все годы' in nav

    def test_a_year_shows_its_news_only(self, client, news):
        html = get(client, "/novosti/", year="2025").text
        assert "Новость n2025a<" in html and "Новость n2025b<" in html
        assert "Новость n2026<" not in html
        assert "<title>Новости за 2025 год" in html
        assert 'href="/novosti/?year=2025" aria-current="page"' in html

    def test_a_year_without_news_says_so_and_nonsense_is_ignored(self, client, news):
        assert "Новостей за этот год нет." in get(client, "/novosti/", year="2019").text
        for nonsense in ("abc", "0", "-5", "100000"):
            html = get(client, "/novosti/", year=nonsense).text
            assert "Новость n2026<" in html and "Новость n2025a<" in html, nonsense

    def test_pages_of_a_year_keep_the_year(self, client, index):
        for n in range(12):
            publish(index, f"y{n}", datetime.date(2025, 1, 1) + datetime.timedelta(days=n))
        publish(index, "other-year", datetime.date(2026, 1, 1))
        first = get(client, "/novosti/", year="2025").text
        assert 'href="?year=2025&amp;page=2"' in first
        second = get(client, "/novosti/", year="2025", page="2").text
        assert "Новость y1<" in second and "Новость y0<" in second
        assert "Новость other-year<" not in second

    def test_a_tag_and_a_year_are_one_filter_at_a_time(self, client, index):
        page = NewsPage(slug="tagged", date=datetime.date(2026, 1, 5), title="С тегом", lead="x")
        page.tags.add("конкурсы")
        publish(index, "tagged-2025", datetime.date(2025, 5, 1), title="С тегом 2025")
        add_published_child(index, page)
        html = get(client, "/novosti/", tag="конкурсы", year="2025").text
        assert "С тегом<" in html and "С тегом 2025<" not in html


class TestNewsItem:
    @pytest.fixture
    def three(self, index):
        image = factories.ImageFactory(title="Субботник", file__width=1600, file__height=900)
        return {
            "old": publish(index, "old", datetime.date(2026, 1, 1)),
            "mid": publish(
                index,
                "mid",
                datetime.date(2026, 2, 1),
                title="Субботник у школы",
                lead="Педагоги вышли на субботник.",
                main_image=image,
            ),
            "new": publish(index, "new", datetime.date(2026, 3, 1)),
        }

    def test_shows_date_lead_body_and_tags(self, client, index):
        page = NewsPage(
            slug="full",
            date=datetime.date(2026, 4, 12),
            title="Итоги конкурса",
            lead="Названы победители.",
            body=[("paragraph", "<p>Поздравляем победителей!</p>")],
        )
        page.tags.add("конкурсы")
        add_published_child(index, page)
        html = get(client, "/novosti/full/").text
        assert '<time datetime="2026-04-12">12 апреля 2026 г.</time>' in html
        assert "Названы победители." in html and "Поздравляем победителей!" in html
        assert 'href="/novosti/?tag=%D0%BA%D0%BE%D0%BD%D0%BA%D1%83%D1%80%D1%81%D1%8B"' in html

    def test_previous_and_next_within_the_index_and_none_past_the_ends(self, client, three):
        middle = get(client, "/novosti/mid/").text
        assert re.search(r'href="/novosti/old/" rel="prev">.*?Новость old<', middle, re.S)
        assert re.search(r'href="/novosti/new/" rel="next">.*?Новость new<', middle, re.S)
        newest = get(client, "/novosti/new/").text
        assert 'rel="next"' not in newest and 'href="/novosti/mid/" rel="prev"' in newest
        oldest = get(client, "/novosti/old/").text
        assert 'rel="prev"' not in oldest and 'href="/novosti/mid/" rel="next"' in oldest

    def test_neighbours_skip_drafts_and_other_indexes_and_break_date_ties_by_id(
        self, client, index, three
    ):
        three["new"].unpublish()
        other = factories.TerritorialOrganizationFactory(code="46-02", hostname="rylsk")
        onboard(other)
        other.refresh_from_db()
        elsewhere = NewsIndexPage.objects.child_of(other.site.root_page).get()
        publish(elsewhere, "elsewhere", datetime.date(2026, 2, 15))
        same_day = publish(index, "same-day", datetime.date(2026, 2, 1))
        assert same_day.pk > three["mid"].pk
        html = get(client, "/novosti/mid/").text
        assert 'href="/novosti/same-day/" rel="next"' in html
        html = get(client, "/novosti/same-day/").text
        assert 'href="/novosti/mid/" rel="prev"' in html and 'rel="next"' not in html

    def test_responsive_picture_with_webp_width_height_and_lazy_loading(self, client, three):
        html = get(client, "/novosti/mid/").text
        figure = html[html.index('class="figure article__image"') : html.index("</figure>")]
        tags = Tags(figure)
        (source,) = tags.all("source")
        assert source["type"] == "image/webp"
        widths = re.findall(r"\.webp (\d+)w", source["srcset"])
        assert widths == ["480", "768", "1536"]
        assert source["sizes"]
        (img,) = tags.all("img")
        assert img["loading"] == "lazy"
        assert (img["width"], img["height"]) == ("480", "270")
        assert re.findall(r"\.jpg (\d+)w", img["srcset"]) == ["480", "768", "1536"]
        assert img["alt"] == "Субботник"

    def test_a_small_image_repeats_no_width(self, client, index):
        small = factories.ImageFactory(title="Маленькое", file__width=300, file__height=200)
        publish(index, "small", datetime.date(2026, 5, 1), main_image=small)
        html = get(client, "/novosti/small/").text
        figure = html[html.index('class="figure article__image"') : html.index("</figure>")]
        tags = Tags(figure)
        (source,) = tags.all("source")
        assert source["type"] == "image/webp" and " " not in source["srcset"].strip()
        assert "sizes" not in source
        (img,) = tags.all("img")
        assert (img["width"], img["height"], img["loading"]) == ("300", "200", "lazy")

    def test_share_links_carry_the_absolute_url_on_the_sites_own_hostname(self, client, three):
        html = get(client, "/novosti/mid/").text
        url = quote("http://zheleznogorsk.localhost/novosti/mid/", safe="")
        title = quote("Субботник у школы", safe="")
        links = {a["href"] for a in Tags(html).all("a") if "share__link" in a.get("class", "")}
        assert links == {
            f"https://vk.com/share.php?url={url}",
            f"https://connect.ok.ru/offer?url={url}",
            f"https://t.me/share/url?url={url}&text={title}",
        }
        assert not re.search(r"<script[^>]+src=\"https?://", html), "no third-party scripts"

    def test_open_graph_twitter_and_canonical(self, client, three):
        html = get(client, "/novosti/mid/").text
        tags = Tags(html.split("</head>")[0])
        url = "http://zheleznogorsk.localhost/novosti/mid/"
        (canonical,) = tags.all("link", rel="canonical")
        assert canonical["href"] == url
        assert tags.meta("og:url") == url
        assert tags.meta("og:type") == "article"
        assert tags.meta("og:title") == tags.meta("twitter:title") == "Субботник у школы"
        assert tags.meta("og:description") == "Педагоги вышли на субботник."
        assert tags.meta("twitter:description") == "Педагоги вышли на субботник."
        assert tags.meta("twitter:card") == "summary_large_image"
        image = tags.meta("og:image")
        assert re.fullmatch(r"http://zheleznogorsk\.localhost/media/images/\S+\.jpg", image)
        assert tags.meta("twitter:image") == image
        assert (tags.meta("og:image:width"), tags.meta("og:image:height")) == ("1200", "630")

    def test_without_an_image_the_card_is_a_summary(self, client, three):
        tags = Tags(get(client, "/novosti/old/").text.split("</head>")[0])
        assert tags.meta("twitter:card") == "summary"
        assert not tags.all("meta", property="og:image")

    def test_every_page_has_one_h1_and_unique_ids(self, client, three):
        for path in ("/novosti/", "/novosti/mid/", "/novosti/?year=2026"):
            html = get(client, path).text
            assert html.count("<h1") == 1, path
            ids = [attrs["id"] for _tag, attrs in Tags(html).tags if "id" in attrs]
            assert len(ids) == len(set(ids)), (path, ids)


def test_the_parent_feed_flag_is_offered_to_editors_in_russian(admin_client, index):
    page = publish(index, "flag", datetime.date(2026, 1, 1))
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    assert "Показать в ленте вышестоящей организации" in response.text
    assert 'name="show_in_parent_feed"' in response.text
    assert not NewsPage.objects.get(pk=page.pk).show_in_parent_feed, "off unless chosen"


@pytest.mark.parametrize("path", ["/novosti/news-1/", "/novosti/?year=2026"])
def test_query_budget_does_not_grow_with_news(client, index, path):
    image = factories.ImageFactory(title="Фото", file__width=1600, file__height=900)
    counts = {}
    for total in (5, 50):
        have = NewsPage.objects.child_of(index).count()
        for n in range(have, total):
            page = NewsPage(
                slug=f"news-{n}",
                title=f"Новость {n}",
                lead="Анонс",
                date=datetime.date(2026, 11, 1) - datetime.timedelta(days=n * 7),
                main_image=image,
            )
            page.tags.add("конкурсы", f"тег {n}")
            add_published_child(index, page)
        get(client, path)  # warm: renditions are made on first view
        with CaptureQueriesContext(connection) as queries:
            response = get(client, path)
        assert response.status_code == 200
        counts[total] = len(queries)
    assert counts[5] == counts[50], counts
    assert counts[50] <= QUERY_BUDGET, counts


def test_the_organizations_news_address_is_refused_for_a_news_item(client, territorial):
    """`organizatsiy/` under a news index is the organizations' news: an item there could never
    be reached, so the editor is told to pick another address, and nothing is saved."""
    from django.contrib.auth import get_user_model

    editor = get_user_model().objects.create_user("editor-zh", password="x")
    editor.groups.add(territorial.editors_group)
    client.force_login(editor)
    index = NewsIndexPage.objects.child_of(territorial.home_page).get()
    response = client.post(
        f"/admin/pages/add/news/newspage/{index.pk}/",
        {
            "title": "Новость",
            "slug": "organizatsiy",
            "date": "2026-11-20",
            "lead": "Коротко",
            "body-count": "0",
            "tags": "",
        },
    )
    assert response.status_code == 200
    assert "Этот адрес занят новостями организаций" in response.content.decode()
    assert not NewsPage.objects.filter(slug="organizatsiy").exists()
