"""A public report that can be sent: its print layout (HTML, `print/` under the report) and a
PDF made from it with WeasyPrint when the editors uploaded none (`pdf/`), for members to
download and for the letters to social partners.

The PDF is made from the same HTML as the print layout: the report's figures, its body and
the organization's details from the registry. It is kept (`ReportPdf`) with a digest of that
HTML, so it is made again exactly when what it shows changed: a publish (which asks for it at
once, after the commit), a registry change, an image replaced. A request that finds it stale
makes it then; a failure to make it never fails the publish.

WeasyPrint fetches nothing from the network: images and styles are read from the site's own
media and static files (`own_file`), anything else is refused. A report's body is written by
editors, and a URL in it must not make the server request another machine.
"""

import hashlib
import logging
import mimetypes
from urllib.parse import unquote, urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string

from directory.models import Organization
from home.tree_top import top_of

logger = logging.getLogger(__name__)

TEMPLATE = "reports/public_report_print.html"


def organization_of(report):
    """The registry organization whose site the report is on (its home page's), or None."""
    return (
        Organization.objects.filter(site__root_page__path=top_of(report.path))
        .select_related("parent")
        .first()
    )


def print_html(report, request=None, *, for_pdf=False):
    """The print layout of `report`: one self-contained page."""
    return render_to_string(
        TEMPLATE,
        {
            "page": report,
            "organization": organization_of(report),
            "for_pdf": for_pdf,
            "report_url": report.full_url or "",
        },
        request=None if for_pdf else request,
    )


def filename(report, organization=None):
    organization = organization or organization_of(report)
    code = organization.code if organization is not None else str(report.pk)
    return f"publichnyj-otchet-{code}-{report.year}.pdf"


def report_pdf(report):
    """The bytes of the report's PDF: the uploaded one, or the one made from the page (made
    now if there is none or what it shows has changed)."""
    if report.document_id:
        with report.document.file.open("rb") as handle:
            return handle.read()
    return made_pdf(report).file_bytes()


def made_pdf(report):
    """The `ReportPdf` of the report as it is now, made if missing or stale."""
    ReportPdf = apps.get_model("reports", "ReportPdf")  # noqa: N806 (reports.models imports this)
    html = print_html(report, for_pdf=True)
    digest = hashlib.sha256(html.encode()).hexdigest()
    kept = ReportPdf.objects.filter(report=report).first()
    if kept is not None and kept.digest == digest and kept.file:
        return kept
    content = render_pdf(html)
    name = f"reports/pdf/{report.pk}-{digest[:12]}.pdf"
    with transaction.atomic():
        kept = ReportPdf.objects.select_for_update().filter(report=report).first()
        old_name = kept.file.name if kept is not None and kept.file else None
        if kept is None:
            kept = ReportPdf(report=report)
        kept.digest = digest
        kept.file.save(name, ContentFile(content), save=False)
        kept.save()
    if old_name and old_name != kept.file.name:
        default_storage.delete(old_name)
    return kept


def render_pdf(html):
    # WeasyPrint is imported by the few processes that make a PDF, not by every one.
    from weasyprint import HTML  # noqa: PLC0415
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: PLC0415

    class OwnFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            data, mime_type = own_file(url)
            content_type = mime_type or "application/octet-stream"
            return URLFetcherResponse(url, body=data, headers={"Content-Type": content_type})

    return HTML(string=html, base_url="/", url_fetcher=OwnFilesOnly()).write_pdf()


def made_on_publish(sender, instance, **kwargs):
    """`page_published` of a PublicReportPage: its PDF made again after the commit."""
    if instance.document_id:
        return
    transaction.on_commit(lambda: _make_quietly(instance.pk))


def _make_quietly(pk):
    report = apps.get_model("reports", "PublicReportPage").objects.filter(pk=pk).first()
    if report is None:
        return
    try:
        made_pdf(report)
    except Exception:  # a PDF made later, on the first request for it
        logger.exception("the PDF of public report %s was not made", pk)


def own_file(url):
    """(bytes, MIME type) of the site's media or static file at `url`, for WeasyPrint; any
    other URL is refused (ValueError)."""
    path = unquote(urlsplit(url).path)
    media_url = urlsplit(settings.MEDIA_URL).path
    static_url = urlsplit(settings.STATIC_URL).path
    if media_url and path.startswith(media_url):
        name = path[len(media_url) :]
        if ".." in name.split("/") or not default_storage.exists(name):
            raise ValueError(f"not a media file: {url}")
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
    elif static_url and path.startswith(static_url):
        found = finders.find(path[len(static_url) :])
        if not found:
            raise ValueError(f"not a static file: {url}")
        with open(found, "rb") as handle:
            data = handle.read()
    else:
        raise ValueError(f"the PDF fetches nothing from elsewhere: {url}")
    return data, mimetypes.guess_type(path)[0]
