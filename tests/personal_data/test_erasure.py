"""«Персональные данные» for the network admins: the consent log and its export, and erasing
a person's data by e-mail address on every site, which leaves a record without the address."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.contrib.forms.models import FormSubmission

from privacy.models import ConsentRecord
from sites.network.roles import REGIONAL_ADMINS
from sites.personal_data import holders
from sites.personal_data.models import Erasure

from ..webforms.test_forms import HOST, URL, answers, survey

pytestmark = pytest.mark.django_db

ERASE = "/admin/personal-data/erase/"
CONSENTS = "/admin/personal-data/consents/"


@pytest.fixture
def admin(db):
    user = get_user_model().objects.create_user("regional-admin", password="x")
    user.groups.add(Group.objects.get(name=REGIONAL_ADMINS))
    return user


@pytest.fixture
def sent(client, region):
    """Anna answered forms on two sites; Boris on one."""
    from ..site_content import RYLSK

    school = survey(region["primary"].home_page)
    rylsk = survey(region["other"].home_page)
    for host, page, email, address in (
        (HOST, school, "anna@example.org", "192.0.2.1"),
        (RYLSK, rylsk, "Anna@Example.org", "192.0.2.2"),
        (HOST, school, "boris@example.org", "192.0.2.3"),
    ):
        data = answers(page)
        data[next(f.clean_name for f in page.get_form_fields() if f.label == "E-mail")] = email
        response = client.post(URL, data, HTTP_HOST=host, REMOTE_ADDR=address)
        assert response.status_code == 200
    assert FormSubmission.objects.count() == 3 and ConsentRecord.objects.count() == 3
    return school, rylsk


@pytest.fixture
def region(db):
    from ..site_content import build_small_region

    return build_small_region()


def test_the_consent_log_lists_and_exports_every_consent(client, admin, sent):
    client.force_login(admin)
    html = client.get(CONSENTS).text
    assert html.count("anna@example.org") + html.count("Anna@Example.org") == 2
    assert "boris@example.org" in html
    filtered = client.get(CONSENTS, {"email": "boris@example.org"}).text
    assert "boris@example.org" in filtered and "anna@example.org" not in filtered
    response = client.get(CONSENTS, {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    assert rows[0][:3] == ["Дано", "Оператор", "Форма"]
    assert "Текст согласия" in rows[0]
    assert len(rows) == 4
    assert any("Я даю согласие" in cell for cell in rows[1])


def test_erasing_shows_what_it_finds_then_removes_it_everywhere(client, admin, sent):
    client.force_login(admin)
    response = client.post(ERASE, {"email": " ANNA@example.org ", "basis": "заявление № 15"})
    assert "Будет удалено" in response.text
    assert "Согласия на обработку персональных данных: 2" in response.text
    assert "Отправки форм и ответы на опросы: 2" in response.text
    assert FormSubmission.objects.count() == 3, "nothing removed before confirmation"

    response = client.post(
        ERASE, {"email": "anna@example.org", "basis": "заявление № 15", "confirm": "yes"}
    )
    assert response.status_code == 302
    assert ConsentRecord.objects.get().email == "boris@example.org"
    (left,) = FormSubmission.objects.all()
    assert "boris@example.org" in left.form_data.values()
    erasure = Erasure.objects.get()
    assert erasure.erased_by == admin and erasure.basis == "заявление № 15"
    assert erasure.total == 4
    assert erasure.email_digest == holders.digest("anna@example.org")
    assert "anna" not in str(erasure.removed).lower(), "the address itself is not kept"
    html = client.get(ERASE).text
    assert "Данные удалены: записей — 4" in html and "заявление № 15" in html


def test_a_part_of_an_address_erases_nothing(client, admin, sent):
    client.force_login(admin)
    client.post(ERASE, {"email": "nna@example.org", "confirm": "yes"})
    assert FormSubmission.objects.count() == 3 and ConsentRecord.objects.count() == 3
    assert Erasure.objects.get().total == 0, "the request is recorded as answered"


def test_a_bad_address_is_refused_in_russian(client, admin, sent):
    client.force_login(admin)
    response = client.post(ERASE, {"email": "not an address", "confirm": "yes"})
    assert response.status_code == 200
    assert "Введите адрес электронной почты" in response.text
    assert Erasure.objects.count() == 0 and FormSubmission.objects.count() == 3


def test_editors_have_neither_the_log_nor_the_erasure(client, region, sent):
    editor = get_user_model().objects.create_user("editor", password="x")
    editor.groups.add(region["primary"].editors_group)
    client.force_login(editor)
    refused = (403, "/admin/")  # Wagtail sends a refused admin user home
    response = client.get(CONSENTS)
    assert response.status_code == 403 or response["Location"] == refused[1]
    response = client.post(ERASE, {"email": "anna@example.org", "confirm": "yes"})
    assert response.status_code == 403 or response["Location"] == refused[1]
    assert Erasure.objects.count() == 0
    assert FormSubmission.objects.count() == 3
    assert "personal-data" not in client.get("/admin/").text
