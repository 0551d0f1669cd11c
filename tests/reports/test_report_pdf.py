"""A public report that can be sent: its print layout and the PDF made from the page when no
PDF was uploaded, with its figures, body and the organization's details, made again when what
it shows changes."""

import io

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfReader
from wagtail.documents import get_document_model
from wagtail.models import PageViewRestriction

from reports import pdf
from reports.models import PublicReportPage, ReportIndexPage, ReportPdf
from sites.network.building import add_published_child

from .. import factories, site_content

pytestmark = pytest.mark.django_db

HOST = "zheleznogorsk.localhost"


@pytest.fixture
def report(region):
    photo = factories.ImageFactory(title="Фото", file__width=800, file__height=600)
    index = ReportIndexPage.objects.child_of(region["territorial"].site.root_page).get()
    return add_published_child(
        index,
        PublicReportPage(
            title="Публичный отчёт Железногорской городской организации",
            slug="otchet-2025",
            year=2025,
            summary="Итоги работы городской организации Профсоюза за год.",
            members_count=2172,
            info_budget_share="4.5",
            body=site_content.body(photo),
        ),
    )


def text_of(content):
    """The PDF's text, its spaces (no-break ones too) and line breaks as single spaces."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_pdf_is_made_from_the_page_with_figures_body_and_details(client, region, report):
    response = client.get("/otchety/otchet-2025/pdf/", HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert "publichnyj-otchet-46-01-2025.pdf" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert any(page.images for page in PdfReader(io.BytesIO(content)).pages), "the body's photo"
    text = text_of(content)
    for expected in (
        "Публичный отчёт за 2025 год",
        "Железногорской городской организации",
        "2 172",  # members, a key figure
        "4,5",  # the information work's share, %
        "Открытые уроки прошли в девяти школах города",  # the body
        "г. Железногорск, ул. Ленина, д. 57",  # the registry's details
        "Иванова Татьяна Николаевна",
        "http://zheleznogorsk.localhost/otchety/otchet-2025/",
    ):
        assert " ".join(expected.split()).casefold() in text.casefold(), expected


def test_it_is_made_on_publish_and_again_only_when_what_it_shows_changes(
    client, region, report, django_capture_on_commit_callbacks, monkeypatch
):
    made = []
    render = pdf.render_pdf
    monkeypatch.setattr(pdf, "render_pdf", lambda html: made.append(1) or render(html))
    with django_capture_on_commit_callbacks(execute=True):
        report.save_revision().publish()
    assert len(made) == 1 and ReportPdf.objects.filter(report=report).exists()
    client.get("/otchety/otchet-2025/pdf/", HTTP_HOST=HOST)
    assert len(made) == 1, "kept: nothing it shows changed"
    territorial = region["territorial"]
    territorial.address = "г. Железногорск, ул. Мира, д. 1"
    territorial.save()
    response = client.get("/otchety/otchet-2025/pdf/", HTTP_HOST=HOST)
    assert len(made) == 2
    assert "ул. Мира, д. 1" in text_of(b"".join(response.streaming_content))
    assert ReportPdf.objects.filter(report=report).count() == 1


def test_an_uploaded_pdf_is_the_reports_pdf(client, region, report):
    document = get_document_model().objects.create(
        title="Отчёт (PDF)",
        file=ContentFile(b"%PDF-1.4 uploaded", name="otchet.pdf"),
        collection=region["territorial"].collection,
    )
    report.document = document
    report.save_revision().publish()
    response = client.get("/otchety/otchet-2025/pdf/", HTTP_HOST=HOST)
    assert response.status_code == 302
    assert response["Location"] == document.url


def test_the_print_layout(client, region, report):
    response = client.get("/otchety/otchet-2025/print/", HTTP_HOST=HOST)
    assert response.status_code == 200
    html = response.text
    assert "Публичный отчёт за 2025 год" in html and "Версия для печати" in html
    assert "<script" not in html
    page = client.get("/otchety/otchet-2025/", HTTP_HOST=HOST).text
    assert 'href="/otchety/otchet-2025/print/"' in page
    assert 'href="/otchety/otchet-2025/pdf/"' in page


def test_a_restricted_reports_pdf_is_not_served_to_a_visitor(client, region, report):
    PageViewRestriction.objects.create(page=report, restriction_type=PageViewRestriction.LOGIN)
    for path in ("pdf/", "print/"):
        response = client.get(f"/otchety/otchet-2025/{path}", HTTP_HOST=HOST)
        assert response.status_code == 302 and "login" in response["Location"], path


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/image.png",
        "file:///etc/passwd",
        "/media/../sites/settings/base.py",
    ],
)
def test_the_pdf_fetches_nothing_but_the_sites_own_files(url):
    with pytest.raises(ValueError):
        pdf.own_file(url)
