"""A region for the news flows' tests (news/flow.py): the regional organization, two
territorial ones, each with a primary that has a site; the hostnames of their sites."""

import datetime

import pytest

from news.models import NewsIndexPage, NewsPage
from sites.network.building import add_published_child
from sites.onboarding.services import onboard

from .. import factories

REGIONAL = "localhost"
ZHELEZNOGORSK = "zheleznogorsk.localhost"
RYLSK = "rylsk.localhost"
SCHOOL5 = "school5-zh.localhost"
SCHOOL1 = "school1-ry.localhost"


def organization(kind, code, short_name, hostname, parent):
    org = factories.OrganizationFactory(
        kind=kind, code=code, short_name=short_name, hostname=hostname, parent=parent
    )
    onboard(org)
    org.refresh_from_db()
    return org


@pytest.fixture
def flow_region(db):
    """The regional organization; two territorial ones, each with a primary that has a site."""
    regional = factories.regional_organization()
    onboard(regional)
    regional.refresh_from_db()
    zh = organization("territorial", "46-01", "Железногорская городская", "zheleznogorsk", regional)
    ry = organization("territorial", "46-02", "Рыльская районная", "rylsk", regional)
    return {
        "regional": regional,
        "zh": zh,
        "ry": ry,
        "school5": organization("primary", "46-01-005", "ППО СОШ № 5", "school5-zh", zh),
        "school1": organization("primary", "46-02-001", "ППО СОШ № 1 Рыльск", "school1-ry", ry),
    }


def get(client, host, path="/", **params):
    response = client.get(path, params, HTTP_HOST=host)
    assert response.status_code == 200, (host, path)
    return response.text


def publish_news(org, slug, *, date=None, **fields):
    """A live news item on `org`'s site (its flags among `fields`)."""
    index = NewsIndexPage.objects.child_of(org.site.root_page).get()
    page = NewsPage(
        slug=slug,
        title=fields.pop("title", f"Новость {slug}"),
        lead=f"Анонс {slug}",
        date=date or datetime.date(2026, 10, 1),
        **fields,
    )
    return add_published_child(index, page)


def home_section(html, heading_id):
    """The home page's section headed by the element `heading_id`, or "" if there is none."""
    start = html.find(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)] if start >= 0 else ""
