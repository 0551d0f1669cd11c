"""Uploads are limited by type and size: a refused upload gets a clear
message in Russian and stores nothing. Driven through the Wagtail admin as an editor."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from sites.onboarding import services as onboarding

from .. import factories

pytestmark = pytest.mark.django_db

IMAGE_ADD = "/admin/images/add/"
DOCUMENT_ADD = "/admin/documents/add/"


@pytest.fixture
def editor(client):
    organization = factories.TerritorialOrganizationFactory(code="46-01", hostname="zh")
    onboarding.onboard(organization)
    organization.refresh_from_db()
    user = get_user_model().objects.create_user("zh-editor", password="x")
    user.groups.add(organization.editors_group)
    client.force_login(user)
    client.collection = organization.collection
    return client


def png(width=40, height=30, mode="RGB"):
    buffer = io.BytesIO()
    PILImage.new(mode, (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def upload_image(client, name, content, content_type="image/png"):
    return client.post(
        IMAGE_ADD,
        {
            "title": name,
            "collection": client.collection.pk,
            "file": SimpleUploadedFile(name, content, content_type=content_type),
        },
    )


def upload_document(client, name, content, content_type="application/pdf"):
    return client.post(
        DOCUMENT_ADD,
        {
            "title": name,
            "collection": client.collection.pk,
            "file": SimpleUploadedFile(name, content, content_type=content_type),
        },
    )


def test_a_png_is_accepted_into_the_own_collection(editor):
    response = upload_image(editor, "photo.png", png())
    assert response.status_code == 302
    image = get_image_model().objects.get(title="photo.png")
    assert image.collection == editor.collection


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
            "Не поддерживаемый формат изображения",
        ),
        (
            "page.html",
            b"<html><script>alert(1)</script></html>",
            "text/html",
            "Не поддерживаемый формат изображения",
        ),
        (
            "big.png",
            b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 1024 * 1024 + 1),
            "image/png",
            "Файл слишком большой",
        ),
        # 48 megapixels in a tiny file: the pixel limit, not the size, refuses it
        ("huge.png", png(8000, 6000, mode="1"), "image/png", "слишком много пикселей"),
    ],
)
def test_refused_images_store_nothing_and_say_why_in_russian(
    editor, name, content, content_type, message
):
    response = upload_image(editor, name, content, content_type)
    assert response.status_code == 200, "the form comes back with the error"
    assert message in " ".join(response.context["form"].errors["file"])
    assert not get_image_model().objects.exists()


def test_a_pdf_is_accepted(editor):
    response = upload_document(editor, "otchet.pdf", b"%PDF-1.4\n%%EOF\n")
    assert response.status_code == 302
    assert get_document_model().objects.get(title="otchet.pdf").collection == editor.collection


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "text/html", "“html” не"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml", "“svg” не"),
        ("script.js", b"alert(1)", "text/javascript", "“js” не поддерживается"),
        (
            "big.pdf",
            b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024 + 1),
            "application/pdf",
            "Файл слишком большой",
        ),
    ],
)
def test_refused_documents_store_nothing_and_say_why_in_russian(
    editor, name, content, content_type, message
):
    response = upload_document(editor, name, content, content_type)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not get_document_model().objects.exists()
