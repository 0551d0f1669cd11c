"""Forms and surveys on a site (webforms/): what a visitor fills in, with consent as its own
act, logged; bots and floods stopped without third parties; the submission e-mailed to the
organization's registry address; answers counted for the editors; and who sees them — the
form's own organization's editors and the network admins, not a territorial organization's
editors on its primaries' sites, not another organization's."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from wagtail.contrib.forms.models import FormSubmission

from privacy import consent
from privacy.models import ConsentRecord
from sites.network.roles import REGIONAL_ADMINS

from ..site_content import survey

pytestmark = pytest.mark.django_db

HOST = "school5-zh.localhost"
URL = "/opros/"


@pytest.fixture
def form_page(region):
    primary = region["primary"]
    primary.email = "ppo5@example.org"
    primary.save()
    return survey(primary.home_page)


def answers(page, **extra):
    names = {field.label: field.clean_name for field in page.get_form_fields()}
    data = {
        names["ФИО"]: "Сидорова Анна Ивановна",
        names["E-mail"]: "anna@example.org",
        names["Нагрузка"]: "Высокая",
        names["Комментарий"]: "",
        "consent": "on",
    }
    data.update(extra)
    return data


def test_the_form_asks_for_consent_unticked_with_its_own_text(client, form_page):
    response = client.get(URL, HTTP_HOST=HOST)
    html = response.text
    assert response.status_code == 200
    assert 'type="checkbox" name="consent"' in html
    consent_input = html.split('name="consent"')[1].split(">")[0]
    assert "checked" not in consent_input, "never ticked in advance"
    assert "Я даю согласие ППО СОШ № 5" in html
    assert "изучение мнения членов профсоюза" in html
    assert 'href="/politika-personalnykh-dannykh/"' in html
    assert 'name="website"' in html and 'tabindex="-1"' in html  # the honeypot
    assert "private" in response["Cache-Control"], "a form is never kept by the page cache"


def test_without_consent_nothing_is_kept(client, form_page):
    data = answers(form_page)
    del data["consent"]
    response = client.post(URL, data, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert "Без согласия на обработку персональных данных форму отправить нельзя." in response.text
    assert FormSubmission.objects.count() == 0 and ConsentRecord.objects.count() == 0


def test_a_submission_is_kept_with_its_consent_and_mailed(
    client, form_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, answers(form_page), HTTP_HOST=HOST, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    assert "Спасибо за ответ!" in response.text
    submission = FormSubmission.objects.get()
    assert "consent" not in submission.form_data and "website" not in submission.form_data
    assert "Высокая" in submission.form_data.values()
    record = ConsentRecord.objects.get()
    assert record.email == "anna@example.org"
    assert record.name == "Сидорова Анна Ивановна"
    assert record.ip_address == "203.0.113.7"
    assert record.text_version == consent.CONSENT_VERSION
    assert "изучение мнения членов профсоюза" in record.text
    assert record.organization.short_name == "ППО СОШ № 5"
    assert record.page_id == form_page.pk and record.purpose == "form"
    (message,) = mail.outbox
    assert message.to == ["ppo5@example.org"]
    assert "Нагрузка: Высокая" in message.body


def test_a_bot_filling_the_honeypot_is_told_thanks_and_nothing_is_kept(client, form_page):
    response = client.post(URL, answers(form_page, website="http://spam"), HTTP_HOST=HOST)
    assert response.status_code == 200 and "Спасибо" in response.text
    assert FormSubmission.objects.count() == 0 and ConsentRecord.objects.count() == 0


def test_an_address_is_limited(client, form_page):
    for _ in range(consent.RATE_LIMIT):
        client.post(URL, answers(form_page), HTTP_HOST=HOST, REMOTE_ADDR="198.51.100.9")
    response = client.post(URL, answers(form_page), HTTP_HOST=HOST, REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 429
    assert "слишком много форм" in response.text
    assert FormSubmission.objects.count() == consent.RATE_LIMIT
    other = client.post(URL, answers(form_page), HTTP_HOST=HOST, REMOTE_ADDR="198.51.100.10")
    assert other.status_code == 200, "another address is not held back"


def _user(username, *groups):
    user = get_user_model().objects.create_user(username, password="x")
    user.groups.add(*groups)
    return user


def test_results_are_counted_for_the_organizations_editors(client, form_page, region):
    for load in ("Высокая", "Высокая", "Нормальная"):
        page_answers = answers(form_page)
        name = next(f.clean_name for f in form_page.get_form_fields() if f.label == "Нагрузка")
        page_answers[name] = load
        client.post(URL, page_answers, HTTP_HOST=HOST, REMOTE_ADDR=f"192.0.2.{len(load)}")
    client.force_login(_user("ppo5-editor", region["primary"].editors_group))
    html = client.get(f"/admin/forms/results/{form_page.pk}/").text
    assert "Ответов: 3" in html
    row = html.split('<th scope="row">Высокая</th>')[1].split("</tr>")[0]
    assert "<td>2</td>" in row and "67%" in row
    row = html.split('<th scope="row">Чрезмерная</th>')[1].split("</tr>")[0]
    assert "<td>0</td>" in row


def test_who_sees_the_submissions(client, form_page, region):
    FormSubmission.objects.create(page=form_page, form_data={"x": "Сидорова"})
    own = _user("ppo5-editor", region["primary"].editors_group)
    territorial = _user("zh-editor", region["territorial"].editors_group)
    other = _user("rylsk-editor", region["other"].editors_group)
    admin = _user("regional-admin", Group.objects.get(name=REGIONAL_ADMINS))
    url = f"/admin/forms/submissions/{form_page.pk}/"
    for user, expected in ((own, 200), (admin, 200), (territorial, 302), (other, 302)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected, user
        forms_index = client.get("/admin/forms/").text
        assert ("Опрос о нагрузке" in forms_index) == (expected == 200), user
    # The territorial organization's editors may still edit the page (their rights on the
    # primaries' sites), but not read what members sent.
    client.force_login(territorial)
    assert client.get(f"/admin/pages/{form_page.pk}/edit/").status_code == 200


def test_the_form_page_costs_few_queries(client, form_page, django_assert_max_num_queries):
    client.get(URL, HTTP_HOST=HOST)
    with django_assert_max_num_queries(15):
        client.get(URL, HTTP_HOST=HOST)
