"""Uploads on S3-compatible storage (MEDIA_STORAGE=s3), against moto's server as the endpoint:
editors upload through the Wagtail admin; images and their renditions are public objects at
stable URLs anyone can fetch; documents are private objects, served only by Wagtail's serve
view to those the isolation rules let see them; deleting an upload deletes its objects.
Without MEDIA_STORAGE, uploads stay in the local folder."""

import io
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.functional import empty
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from reports.models import ReportIndexPage
from sites.storage import MediaStorage

from .. import factories
from ..site_content import primaries_apart
from .conftest import BUCKET

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
PDF = b"%PDF-1.4\n% report of the primary organization\n%%EOF\n"


def png(width=64, height=48):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (200, 30, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def fetch(url):
    """(status, body) of an anonymous GET, as a visitor's browser or the CDN would make it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (moto, local)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def public_read(s3_client, key):
    grants = s3_client.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    return any(
        grant["Grantee"].get("URI") == ALL_USERS and grant["Permission"] in {"READ", "FULL_CONTROL"}
        for grant in grants
    )


def keys(s3_client, location):
    listed = s3_client.list_objects_v2(Bucket=BUCKET, Prefix=location + "/")
    return {item["Key"] for item in listed.get("Contents", [])}


@pytest.fixture
def world():
    """Primary A (under territorial T) and primary B elsewhere, with an editor each."""
    t, a, b = primaries_apart()
    editors = {}
    for name, organization in (("a", a), ("b", b)):
        editors[name] = get_user_model().objects.create_user(f"editor-{name}", password="x")
        editors[name].groups.add(organization.editors_group)
    return a, editors


def client_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def upload(client, kind, collection, name, content, content_type):
    response = client.post(
        f"/admin/{kind}/add/",
        {
            "title": name,
            "collection": collection.pk,
            "file": SimpleUploadedFile(name, content, content_type=content_type),
        },
    )
    assert response.status_code == 302, response.context["form"].errors


def test_the_settings_fixture_gives_a_fresh_default_storage(s3_media):
    """Django builds default_storage anew when STORAGES changes, and the model fields hold
    that lazy default_storage: uploads in these tests really go to the bucket."""
    assert default_storage._wrapped is empty, "reset by the change of STORAGES, not yet built"
    assert isinstance(default_storage, MediaStorage)
    assert default_storage.location == s3_media
    assert get_document_model()._meta.get_field("file").storage is default_storage
    rendition_storage = get_image_model().get_rendition_model()._meta.get_field("file").storage
    assert isinstance(rendition_storage, MediaStorage)


def test_an_uploaded_image_and_its_renditions_are_public_at_stable_urls(
    s3_media, s3_endpoint, s3_client, world, client
):
    a, editors = world
    client.force_login(editors["a"])
    content = png()
    upload(client, "images", a.collection, "photo.png", content, "image/png")

    image = get_image_model().objects.get(title="photo.png")
    key = f"{s3_media}/{image.file.name}"
    assert image.file.name.startswith("original_images/")
    stored = s3_client.get_object(Bucket=BUCKET, Key=key)
    assert stored["Body"].read() == content
    assert stored["ContentType"] == "image/png"
    assert public_read(s3_client, key)

    # The admin's listing shows a thumbnail: a rendition Wagtail made from the object in the
    # bucket, linked at the bucket's URL, which anyone can fetch.
    listing = client.get("/admin/images/").content.decode()
    thumbnails = re.findall(rf'src="({re.escape(s3_endpoint)}/[^"]+)"', listing)
    assert thumbnails, "the listing links the thumbnail on the S3 endpoint"
    thumbnail = thumbnails[0]
    assert "?" not in thumbnail, "unsigned: the URL stays the same while pages are cached"
    assert f"/{BUCKET}/{s3_media}/images/" in thumbnail
    status, body = fetch(thumbnail)
    assert status == 200
    assert PILImage.open(io.BytesIO(body)).size == (64, 48)  # max-165x165 keeps it as it is

    rendition = image.get_rendition("fill-32x24")
    rendition_key = f"{s3_media}/{rendition.file.name}"
    assert public_read(s3_client, rendition_key)
    assert rendition.url == f"{s3_endpoint}/{BUCKET}/{rendition_key}"
    status, body = fetch(rendition.url)
    assert status == 200
    assert PILImage.open(io.BytesIO(body)).size == (32, 24)
    assert fetch(image.file.url) == (200, content)


def test_image_urls_go_to_the_custom_domain(s3_media, s3_endpoint, s3_client, settings, world):
    """S3_CUSTOM_DOMAIN (a CDN in front of the bucket) is the host of the images' URLs."""
    settings.AWS_S3_CUSTOM_DOMAIN = f"localhost:{s3_endpoint.rsplit(':', 1)[1]}/{BUCKET}"
    settings.AWS_S3_URL_PROTOCOL = "http:"  # the CDN speaks https; moto here only http
    settings.STORAGES = {**settings.STORAGES}  # the storage rebuilt with the domain
    a, editors = world
    image = factories.ImageFactory(collection=a.collection)
    rendition = image.get_rendition("width-20")
    assert rendition.url.startswith(f"http://{settings.AWS_S3_CUSTOM_DOMAIN}/{s3_media}/images/")
    status, body = fetch(rendition.url)
    assert status == 200
    assert PILImage.open(io.BytesIO(body)).width == 20


def publish_report(organization, document):
    index = ReportIndexPage.objects.descendant_of(organization.home_page).get()
    report = factories.PublicReportPageFactory.build(year=2025, document=document)
    index.add_child(instance=report)
    report.save_revision().publish()
    return report


def test_an_uploaded_document_is_private_and_served_only_by_the_view(
    s3_media, s3_client, world, client
):
    a, editors = world
    client.force_login(editors["a"])
    upload(client, "documents", a.collection, "otchet-2025.pdf", PDF, "application/pdf")

    document = get_document_model().objects.get(title="otchet-2025.pdf")
    key = f"{s3_media}/{document.file.name}"
    assert document.file.name.startswith("documents/")
    assert s3_client.get_object(Bucket=BUCKET, Key=key)["Body"].read() == PDF
    assert not public_read(s3_client, key)
    # Straight from the bucket, without the storage's credentials: refused.
    assert fetch(default_storage.url(document.file.name))[0] == 403

    # Wagtail's view reads the object and answers with it (no redirect to the bucket)...
    assert document.url == f"/documents/{document.pk}/otchet-2025.pdf"
    response = client_for(editors["a"]).get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    # ...to those the isolation rules let see it (sites/isolation/media.py).
    assert client_for(editors["b"]).get(document.url).status_code == 404
    assert client_for().get(document.url).status_code == 404

    publish_report(a, document)
    response = client_for().get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert not public_read(s3_client, key), "published, still read only through the view"


def test_deleting_uploads_deletes_their_objects(
    s3_media, s3_client, world, client, django_capture_on_commit_callbacks
):
    a, editors = world
    client.force_login(editors["a"])
    upload(client, "images", a.collection, "photo.png", png(), "image/png")
    upload(client, "documents", a.collection, "otchet.pdf", PDF, "application/pdf")
    image = get_image_model().objects.get(title="photo.png")
    image.get_rendition("fill-32x24")
    document = get_document_model().objects.get(title="otchet.pdf")
    assert len(keys(s3_client, s3_media)) == 3  # the original, a rendition, the document

    # Wagtail deletes the files once the deletion is committed, in a background task.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/images/{image.pk}/delete/")
    assert response.status_code == 302
    assert keys(s3_client, s3_media) == {f"{s3_media}/{document.file.name}"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/documents/delete/{document.pk}/")
    assert response.status_code == 302
    assert keys(s3_client, s3_media) == set()


def test_the_storage_keeps_every_name_outside_the_image_folders_private():
    storage = MediaStorage(location="site-media")
    assert storage.get_object_parameters("site-media/original_images/a.png")["ACL"] == (
        "public-read"
    )
    assert storage.get_object_parameters("site-media/images/a.fill-10x10.png")["ACL"] == (
        "public-read"
    )
    for name in ("site-media/documents/a.pdf", "site-media/exports/a.csv", "images/a.png"):
        assert storage.get_object_parameters(name)["ACL"] == "private", name


# The settings, as the operator's environment makes them ------------------------------------

SHOW_STORAGE = (
    "import json, sites.settings.production as s; print(json.dumps({"
    "'default': s.STORAGES['default']['BACKEND'],"
    "'aws': {k: v for k, v in vars(s).items() if k.startswith('AWS_')},"
    "'serve': s.WAGTAILDOCS_SERVE_METHOD}))"
)


def settings_with(**environ):
    """Import the production settings with these variables only (besides PATH and the
    secret key), as a fresh process does at start-up."""
    env = {"PATH": os.environ.get("PATH", ""), "SECRET_KEY": "x" * 50, **environ}
    return subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", SHOW_STORAGE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_by_default_uploads_stay_in_the_local_folder():
    result = settings_with()
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown == {
        "default": "django.core.files.storage.FileSystemStorage",
        "aws": {},
        "serve": "serve_view",
    }
    assert isinstance(default_storage, FileSystemStorage)  # and so in the rest of the tests


def test_s3_takes_the_bucket_and_its_endpoint_from_the_environment():
    result = settings_with(
        MEDIA_STORAGE="s3",
        S3_BUCKET="profsites",
        S3_ENDPOINT_URL="https://storage.yandexcloud.net",
        S3_REGION="ru-central1",
        S3_CUSTOM_DOMAIN="media.example.org",
        S3_LOCATION="/uploads/",
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["default"] == "sites.storage.MediaStorage"
    assert shown["serve"] == "serve_view", "never a redirect to the private object"
    assert shown["aws"] == {
        "AWS_STORAGE_BUCKET_NAME": "profsites",
        "AWS_S3_ENDPOINT_URL": "https://storage.yandexcloud.net",
        "AWS_S3_REGION_NAME": "ru-central1",
        "AWS_S3_ACCESS_KEY_ID": None,  # boto3's own chain: AWS_* variables, profile, role
        "AWS_S3_SECRET_ACCESS_KEY": None,
        "AWS_S3_ADDRESSING_STYLE": None,
        "AWS_S3_CUSTOM_DOMAIN": "media.example.org",
        "AWS_LOCATION": "uploads",
    }


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"MEDIA_STORAGE": "s3"}, "MEDIA_STORAGE=s3 needs S3_BUCKET, the name of the bucket."),
        ({"MEDIA_STORAGE": "s3", "S3_BUCKET": " "}, "MEDIA_STORAGE=s3 needs S3_BUCKET"),
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be local or s3, not 'ftp'."),
    ],
)
def test_a_wrong_media_storage_stops_the_start_with_a_clear_message(environ, message):
    result = settings_with(**environ)
    assert result.returncode != 0
    assert f"django.core.exceptions.ImproperlyConfigured: {message}" in result.stderr
