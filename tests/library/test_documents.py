"""«Документы»: every site's documents by category, and the documents the organizations above
send to the whole structure, shown on every site below with their source; nothing copied."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents import get_document_model

from library.models import DocumentItem, DocumentsPage
from sites.pagecache import tags

pytestmark = pytest.mark.django_db

PRIMARY = "school5-zh.localhost"
TERRITORIAL = "zheleznogorsk.localhost"
OTHER = "rylsk.localhost"
URL = "/dokumenty/"


def document(org, title):
    return get_document_model().objects.create(
        title=title,
        file=ContentFile(b"%PDF-1.4 " + title.encode(), name=f"{title}.pdf"),
        collection=org.collection,
    )


def add_items(org, *items):
    page = DocumentsPage.objects.descendant_of(org.home_page).get()
    for title, category, for_structure in items:
        page.items.add(
            DocumentItem(
                document=document(org, title),
                category=category,
                for_structure=for_structure,
                date=datetime.date(2026, 3, 1),
            )
        )
    page.save_revision().publish()
    return page


@pytest.fixture
def documents(region):
    regional = add_items(
        region["regional"],
        ("Положение о смотре-конкурсе", "regulations", True),
        ("Протокол заседания обкома", "resolutions", False),
    )
    territorial = add_items(region["territorial"], ("Форма отчёта ППО", "forms", True))
    return {"regional": regional, "territorial": territorial}


def page_of(client, host):
    response = client.get(URL, HTTP_HOST=host)
    assert response.status_code == 200
    return response.text


def above(html):
    start = html.find('id="documents-above"')
    return html[start : html.index("</section>", start)] if start >= 0 else ""


def test_every_site_has_the_section_in_its_menu(client, region):
    for org in region.values():
        page = DocumentsPage.objects.descendant_of(org.home_page).get()
        assert page.live and page.show_in_menus and page.slug == "dokumenty"


def test_a_primary_site_shows_what_the_organizations_above_sent_down(client, documents):
    section = above(page_of(client, PRIMARY))
    assert "Положение о смотре-конкурсе" in section and "Форма отчёта ППО" in section
    assert "Протокол заседания обкома" not in section  # the regional site's own
    assert "Положения" in section and "Формы" in section  # by category
    assert "— Железногорская" in section or "Железногорская" in section  # its source


def test_a_territorial_site_shows_the_regional_ones_beside_its_own(client, documents):
    html = page_of(client, TERRITORIAL)
    assert "Форма отчёта ППО" in html.split('id="documents-above"')[0]  # its own
    assert "Положение о смотре-конкурсе" in above(html)


def test_another_territorials_primaries_do_not_get_them(client, documents):
    assert "Форма отчёта ППО" not in page_of(client, OTHER)
    assert "Положение о смотре-конкурсе" in above(page_of(client, OTHER))


def test_a_document_sent_down_can_be_downloaded_by_a_member(client, documents):
    item = documents["regional"].items.get(for_structure=True)
    assert client.get(item.document.url, HTTP_HOST=PRIMARY).status_code == 200


def test_unpublishing_the_section_takes_its_documents_away_everywhere(client, documents):
    documents["regional"].unpublish()
    assert "Положение о смотре-конкурсе" not in page_of(client, PRIMARY)
    assert tags.above_tag(documents["regional"].get_site().pk) in tags.for_page_change(
        [documents["regional"]]
    )


def test_the_section_costs_the_same_queries_with_more_documents(client, region):
    counts = []
    for total in (2, 20):
        page = DocumentsPage.objects.descendant_of(region["regional"].home_page).get()
        have = page.items.count()
        add_items(
            region["regional"],
            *[(f"Документ {n}", "guidance", True) for n in range(have, total)],
        )
        page_of(client, PRIMARY)
        with CaptureQueriesContext(connection) as queries:
            page_of(client, PRIMARY)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
