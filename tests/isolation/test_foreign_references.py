"""Ids that arrive in a form: an editor may refer only to images, documents and pages they may
choose (sites/isolation/references.py), however the reference is stored (a foreign key, a
StreamField block, a link or an embed in rich text, a site setting), in a save, a publish or
a preview."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.documents import get_document_model
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, streamfield

from home.blocks import RICH_TEXT_FEATURES
from news.models import NewsIndexPage, NewsPage
from reports.models import PublicReportPage, ReportIndexPage
from sites.network.models import SiteBranding

from .. import factories
from ..site_content import primaries_apart

pytestmark = pytest.mark.django_db

REFUSED_DOC = "недоступен: выберите документ своей организации"
REFUSED_IMAGE = "недоступно: выберите изображение своей организации"
REFUSED_PAGE = "недоступна: ссылаться можно на свои и на опубликованные страницы"


def _user(username, *groups):
    user = get_user_model().objects.create_user(username, password="x")
    user.groups.add(*groups)
    return user


def _document(title, collection):
    return get_document_model().objects.create(
        title=title,
        file=ContentFile(b"%PDF-1.4 " + title.encode(), name=f"{title}.pdf"),
        collection=collection,
    )


@pytest.fixture
def w():
    t, a, b = primaries_apart()
    b_index = NewsIndexPage.objects.descendant_of(b.home_page).get()
    b_draft = b_index.add_child(
        instance=NewsPage(title="Черновик Беты", slug="b-draft", lead="тайна", live=False)
    )
    return type(
        "W",
        (),
        dict(
            t=t,
            a=a,
            b=b,
            editor_a=_user("editor-a", a.editors_group),
            editor_t=_user("editor-t", t.editors_group),
            news_index=NewsIndexPage.objects.descendant_of(a.home_page).get(),
            reports=ReportIndexPage.objects.descendant_of(a.home_page).get(),
            a_image=factories.ImageFactory(title="Картинка Альфы", collection=a.collection),
            t_image=factories.ImageFactory(title="Картинка Тэ", collection=t.collection),
            b_image=factories.ImageFactory(title="Тайная картинка Беты", collection=b.collection),
            a_doc=_document("doc-alfa", a.collection),
            b_doc=_document("doc-beta-secret", b.collection),
            b_draft=b_draft,
            b_live=b_index,
        ),
    )


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def rich(html):
    return ContentstateConverter(RICH_TEXT_FEATURES).from_database_format(html)


def news_data(title="Новость Альфы", body=(), **extra):
    data = {
        "title": title,
        "slug": "alfa-news",
        "date": "2026-11-20",
        "lead": "Коротко",
        "tags": "",
    }
    data.update(nested_form_data({"body": streamfield(list(body))}))
    data.update(extra)
    return data


def add_news(client, w, **kwargs):
    return client.post(
        f"/admin/pages/add/news/newspage/{w.news_index.pk}/",
        {**news_data(**kwargs), "action-publish": "1"},
    )


def errors_of(response):
    assert response.status_code == 200, response.get("Location")
    return response.content.decode()


def test_a_report_cannot_publish_another_organizations_document(w):
    client = as_user(w.editor_a)
    url = f"/admin/pages/add/reports/publicreportpage/{w.reports.pk}/"
    data = {
        "title": "Отчёт за 2025 год",
        "slug": "otchet-2025",
        "year": "2025",
        "summary": "Итоги",
        "action-publish": "1",
        **nested_form_data({"body": streamfield([])}),
    }
    page = errors_of(client.post(url, {**data, "document": w.b_doc.pk}))
    assert f"Документ №{w.b_doc.pk} {REFUSED_DOC}" in page
    assert not PublicReportPage.objects.exists()
    assert Client().get(w.b_doc.url).status_code == 404  # still unpublished
    # Its own document is fine, and the report is published with it.
    assert client.post(url, {**data, "document": w.a_doc.pk}).status_code == 302
    assert PublicReportPage.objects.get().document == w.a_doc
    assert Client().get(w.a_doc.url).status_code == 200


def test_a_news_item_cannot_show_another_organizations_image(w):
    client = as_user(w.editor_a)
    page = errors_of(add_news(client, w, main_image=w.b_image.pk))
    assert f"Изображение №{w.b_image.pk} {REFUSED_IMAGE}" in page
    assert not NewsPage.objects.filter(slug="alfa-news").exists()
    assert add_news(client, w, main_image=w.a_image.pk).status_code == 302


def test_the_preview_refuses_a_foreign_image_and_document(w):
    news = w.news_index.add_child(instance=NewsPage(title="Новость", slug="n", lead="x"))
    client = as_user(w.editor_a)
    url = f"/admin/pages/{news.pk}/edit/preview/"
    for data in (
        news_data(main_image=w.b_image.pk),
        news_data(body=[("document", {"document": w.b_doc.pk, "title": ""})]),
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        assert json.loads(response.content)["is_valid"] is False
        shown = client.get(url).content.decode()
        assert "Тайная картинка Беты" not in shown
        assert "doc-beta-secret" not in shown
    # The editor's own image previews.
    assert json.loads(client.post(url, news_data(main_image=w.a_image.pk)).content)["is_valid"]
    assert "Картинка Альфы" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (lambda w: ("document", {"document": w.b_doc.pk, "title": ""}), REFUSED_DOC),
        (
            lambda w: (
                "paragraph",
                rich(f'<p><a linktype="document" id="{w.b_doc.pk}">отчёт</a></p>'),
            ),
            REFUSED_DOC,
        ),
        (
            lambda w: (
                "paragraph",
                rich(f'<p><a linktype="page" id="{w.b_draft.pk}">черновик</a></p>'),
            ),
            REFUSED_PAGE,
        ),
    ],
    ids=["document block", "document link in rich text", "link to a foreign draft"],
)
def test_stream_blocks_and_rich_text_are_checked(w, block, message):
    client = as_user(w.editor_a)
    page = errors_of(add_news(client, w, body=[block(w)]))
    assert message in page
    assert not NewsPage.objects.filter(slug="alfa-news").exists()


def test_a_link_to_another_organizations_live_page_is_fine(w):
    client = as_user(w.editor_a)
    html = f'<p><a linktype="page" id="{w.b_live.pk}">новости Беты</a></p>'
    response = add_news(client, w, body=[("paragraph", rich(html))])
    assert response.status_code == 302
    assert NewsPage.objects.get(slug="alfa-news").live


def test_the_logo_must_be_the_sites_own_image(w):
    client = as_user(w.editor_a)
    url = f"/admin/settings/sites/sitebranding/{w.a.site_id}/"
    page = errors_of(client.post(url, {"tagline": "Девиз", "logo": w.b_image.pk}))
    assert f"Изображение №{w.b_image.pk} {REFUSED_IMAGE}" in page
    assert not SiteBranding.objects.filter(site_id=w.a.site_id, logo=w.b_image).exists()
    assert client.post(url, {"tagline": "Девиз", "logo": w.a_image.pk}).status_code == 302
    assert SiteBranding.objects.get(site_id=w.a.site_id).logo == w.a_image


def test_what_a_wider_editor_put_in_stays_for_the_sites_own_editor(w):
    """T's editor may use T's image on A's page; A's editor then edits the page freely."""
    client_t = as_user(w.editor_t)
    assert add_news(client_t, w, main_image=w.t_image.pk).status_code == 302
    news = NewsPage.objects.get(slug="alfa-news")
    client_a = as_user(w.editor_a)
    data = {**news_data(title="Поправлено", main_image=w.t_image.pk), "action-publish": "1"}
    assert client_a.post(f"/admin/pages/{news.pk}/edit/", data).status_code == 302
    news.refresh_from_db()
    assert (news.title, news.main_image) == ("Поправлено", w.t_image)
    # ...but A's editor may not put T's image into another page.
    data = {**news_data(main_image=w.t_image.pk), "slug": "other", "action-publish": "1"}
    response = client_a.post(f"/admin/pages/add/news/newspage/{w.news_index.pk}/", data)
    assert REFUSED_IMAGE in errors_of(response)
    assert Page.objects.filter(slug="other").count() == 0


def test_a_translation_cannot_swap_in_another_organizations_image(w):
    """wagtail-localize lets a translation use another image than the original's (an
    «override»): only one the translator may choose."""
    from wagtail.models import Locale
    from wagtail_localize.models import (
        OverridableSegment,
        SegmentOverride,
        Translation,
        TranslationSource,
    )

    news = w.news_index.add_child(
        instance=NewsPage(title="Новость", slug="n", lead="x", main_image=w.a_image)
    )
    news.save_revision().publish()
    source, _ = TranslationSource.get_or_create_from_instance(news)
    english = Locale.objects.get_or_create(language_code="en")[0]
    translation = Translation.objects.create(source=source, target_locale=english)
    translation.save_target(user=w.editor_a, publish=True)
    segment = OverridableSegment.objects.get(source=source, context__path="main_image")
    url = f"/admin/localize/translate/{translation.pk}/overrides/{segment.pk}/edit/"
    client = as_user(w.editor_a)

    response = client.put(
        url, f"value={w.b_image.pk}", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert REFUSED_IMAGE in json.loads(response.content)["error"]
    assert not SegmentOverride.objects.exists()

    other = factories.ImageFactory(title="Другая картинка Альфы", collection=w.a.collection)
    response = client.put(
        url, f"value={other.pk}", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (200, 201)
    assert SegmentOverride.objects.get().data_json == json.dumps(str(other.pk))


def test_the_documents_section_cannot_publish_another_organizations_document(w):
    """An item of «Документы» (an inline of the page) is a reference like any other."""
    from library.models import DocumentsPage

    page = DocumentsPage.objects.descendant_of(w.a.home_page).get()
    client = as_user(w.editor_a)
    url = f"/admin/pages/{page.pk}/edit/"
    data = {
        "title": "Документы",
        "slug": page.slug,
        "intro": "",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-title": "",
        "items-0-category": "forms",
        "items-0-date": "",
        "items-0-ORDER": "1",
        "items-0-id": "",
        "items-0-DELETE": "",
        "action-publish": "1",
    }
    response = client.post(url, {**data, "items-0-document": w.b_doc.pk})
    assert f"Документ №{w.b_doc.pk} {REFUSED_DOC}" in errors_of(response)
    assert not page.items.exists()
    assert Client().get(w.b_doc.url).status_code == 404
    assert client.post(url, {**data, "items-0-document": w.a_doc.pk}).status_code == 302
    assert [item.document for item in DocumentsPage.objects.get(pk=page.pk).items.all()] == [
        w.a_doc
    ]
