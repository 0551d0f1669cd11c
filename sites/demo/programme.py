"""The demo's information-work programme: each site's social partners, one report already
sent to them, and the documents the regional and territorial committees send to every
organization below («Документы»)."""

import io

from django.core.files.base import ContentFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.documents import get_document_model

from directory.models import Organization
from library.models import DocumentItem, DocumentsPage
from partners.models import ReportSending, SocialPartner
from reports.models import PublicReportPage

# (title, category, for the organizations below) by the kind of organization.
DOCUMENTS = {
    Organization.Kind.REGIONAL: [
        ("Положение о смотре-конкурсе информационной работы", "regulations", True),
        ("Постановление президиума об информационной работе", "resolutions", True),
        ("Методические рекомендации по публичному отчёту", "guidance", True),
        ("План работы обкома на год", "other", False),
    ],
    Organization.Kind.TERRITORIAL: [
        ("Форма отчёта первичной организации", "forms", True),
        ("Постановление пленума горкома", "resolutions", False),
    ],
    Organization.Kind.PRIMARY: [("Коллективный договор", "other", False)],
}


def add_demo_programme(org, today, draw_text):
    partners = [
        SocialPartner.objects.create(
            organization=org,
            name=f"Управление образования ({org.district or org.short_name})",
            kind=SocialPartner.Kind.AUTHORITY,
            contact_person="Петрова Анна Сергеевна",
            email=f"uo-{org.code}@example.org",
        ),
        SocialPartner.objects.create(
            organization=org,
            name="Совет директоров образовательных организаций",
            kind=SocialPartner.Kind.EMPLOYER,
            email=f"sovet-{org.code}@example.org",
        ),
    ]
    report = (
        PublicReportPage.objects.live()
        .descendant_of(org.site.root_page)
        .filter(year=today.year - 1)
        .first()
    )
    if report is not None and org.kind != Organization.Kind.PRIMARY:
        ReportSending.objects.create(
            report=report,
            organization=org,
            partner=partners[0],
            partner_name=partners[0].name,
            email=partners[0].email,
            year=report.year,
            ok=True,
        )
    page = DocumentsPage.objects.child_of(org.site.root_page).first()
    if page is None:
        return
    for number, (title, category, for_structure) in enumerate(DOCUMENTS[org.kind], start=1):
        page.items.add(
            DocumentItem(
                document=_document(org, number, title, draw_text),
                category=category,
                for_structure=for_structure,
                date=today.replace(month=1, day=15),
            )
        )
    page.save_revision().publish()


def _document(org, number, title, draw_text):
    sheet = PILImage.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(sheet)
    for n, line in enumerate([title[:40], title[40:80], org.short_name]):
        draw_text(draw, (100, 150 + n * 70), line, 36, "black")
    buffer = io.BytesIO()
    sheet.save(buffer, "PDF")
    document = get_document_model()(
        title=title,
        file=ContentFile(buffer.getvalue(), name=f"dokument-{org.code}-{number}.pdf"),
        collection=org.collection,
    )
    document._set_document_file_metadata()
    document.save()
    return document
