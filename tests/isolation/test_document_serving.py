"""Documents are served through Wagtail's serve view: to everyone once a
published page links to them, before that only to the editors who may choose them."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.rich_text import RichText

from reports.models import ReportIndexPage
from sites.network.roles import REGIONAL_ADMINS

from .. import factories
from ..site_content import primaries_apart

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% report of the primary organization\n"


def client_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def world():
    t, a, b = primaries_apart()
    users = {}
    for name, group in (("a", a.editors_group), ("t", t.editors_group), ("b", b.editors_group)):
        users[name] = get_user_model().objects.create_user(f"editor-{name}", password="x")
        users[name].groups.add(group)
    users["admin"] = get_user_model().objects.create_user("regional", password="x")
    users["admin"].groups.add(Group.objects.get(name=REGIONAL_ADMINS))
    document = get_document_model().objects.create(
        title="Отчёт за 2025 год",
        file=ContentFile(PDF, name="otchet-2025.pdf"),
        collection=a.collection,
    )
    return a, users, document


def status(user, document):
    return client_for(user).get(document.url).status_code


def publish_report(a, document):
    index = ReportIndexPage.objects.descendant_of(a.home_page).get()
    report = factories.PublicReportPageFactory.build(year=2025, document=document)
    index.add_child(instance=report)
    report.save_revision().publish()
    return report


def test_an_upload_nobody_links_to_is_served_to_its_editors_only(world):
    a, users, document = world
    assert document.url.startswith("/documents/")
    response = client_for(users["a"]).get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert status(users["t"], document) == 200  # the territorial organization's editors
    assert status(users["admin"], document) == 200
    assert status(users["b"], document) == 404  # another organization's editor
    assert status(None, document) == 404  # a member, anonymous


def test_a_document_linked_from_a_published_page_is_public(world):
    a, users, document = world
    report = publish_report(a, document)
    assert status(None, document) == 200
    assert status(users["b"], document) == 200

    report.unpublish()
    assert status(None, document) == 404
    assert status(users["a"], document) == 200


def test_a_link_in_a_draft_does_not_publish_the_document(world):
    a, users, document = world
    index = ReportIndexPage.objects.descendant_of(a.home_page).get()
    report = factories.PublicReportPageFactory.build(year=2025, document=document, live=False)
    index.add_child(instance=report)
    report.save_revision()
    assert status(None, document) == 404


def test_a_document_link_in_a_body_publishes_it(world):
    a, users, document = world
    about = a.home_page.get_children().get(slug="o-profsoyuze").specific
    link = f'<p><a linktype="document" id="{document.pk}">Отчёт</a></p>'
    about.body = [("paragraph", RichText(link))]
    about.save_revision().publish()
    assert status(None, document) == 200


def test_a_password_without_the_second_factor_is_not_enough(world):
    """A regional admin who signed in with the password but not yet with the code is, for
    unpublished documents, nobody (sites/accounts/twofactor.py)."""
    a, users, document = world
    admin = users["admin"]
    admin.set_password("a-long-pass-phrase-1")
    admin.save()
    client = Client()
    response = client.post(
        "/admin/login/", {"username": "regional", "password": "a-long-pass-phrase-1"}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 302  # sent to set up the second factor
    assert client.get(document.url).status_code == 404
    assert status(admin, document) == 200  # past the second factor (tests/conftest.py)
