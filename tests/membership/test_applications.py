"""«Вступить в Профсоюз»: the application form on every site's «Как вступить» page, its
workplaces from the registry of the site's area, what it refuses, where an application goes
(the chosen primary organization's editors and its e-mail), its status in the admin, who sees
it, and the network admins' counts per territorial organization."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail

from directory.models import Organization
from membership.models import Application
from privacy.models import ConsentRecord
from sites.network.roles import REGIONAL_ADMINS
from sites.personal_data import holders

from .. import factories
from ..shared_region import module_region
from ..site_content import RYLSK, ZHELEZNOGORSK, build_small_region

pytestmark = pytest.mark.django_db

JOIN = "/kak-vstupit/"
APPLY = "/zayavlenie/"
SCHOOL = "school5-zh.localhost"


def build():
    found = build_small_region()
    found["primary"].email = "ppo5@example.org"
    found["primary"].save()
    # A primary of the territorial organization with no site (so no editors of its own).
    found["siteless"] = factories.org(
        "primary", "46-01-002", "ППО детского сада № 3", "sad3-zh", found["territorial"]
    )
    return found


region = module_region(build)


def options(html):
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', html)


def application(region, place, **extra):
    data = {
        "full_name": "Сидорова Анна Ивановна",
        "workplace": str(place),
        "workplace_other": "",
        "position": "учитель математики",
        "phone": "+7 900 000-00-00",
        "email": "anna@example.org",
        "consent": "on",
    }
    data.update(extra)
    return data


def test_the_how_to_join_page_has_the_form_with_the_areas_workplaces(client, region):
    response = client.get(JOIN, HTTP_HOST=ZHELEZNOGORSK)
    html = response.text
    assert response.status_code == 200
    assert 'action="/zayavlenie/"' in html
    names = [name for _, name in options(html)]
    assert "ППО СОШ № 5" in names and "ППО детского сада № 3" in names
    assert "Моей организации нет в списке" in names
    assert "csrfmiddlewaretoken" not in html, "a page the cache keeps carries no token"
    assert "public" in response["Cache-Control"]
    assert "d" in response["xkey"].split(), "purged with any registry change"
    school = [name for _, name in options(client.get(JOIN, HTTP_HOST=SCHOOL).text)]
    assert school == ["— выберите —", "ППО СОШ № 5", "Моей организации нет в списке"]
    regional = client.get(JOIN, HTTP_HOST="localhost").text
    assert '<optgroup label="Железногорская городская организация">' in regional


def test_an_application_reaches_the_chosen_primary(
    client, region, django_capture_on_commit_callbacks
):
    primary = region["primary"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            APPLY, application(region, primary.pk), HTTP_HOST=ZHELEZNOGORSK, REMOTE_ADDR="192.0.2.8"
        )
    assert response.status_code == 200
    assert "Заявление отправлено в ППО СОШ № 5" in response.text
    assert "private" in response["Cache-Control"]
    sent = Application.objects.get()
    assert sent.organization == primary and sent.status == Application.Status.NEW
    assert sent.workplace == "ППО СОШ № 5" and sent.position == "учитель математики"
    record = ConsentRecord.objects.get()
    assert record.purpose == "application" and record.organization == primary
    assert record.ip_address == "192.0.2.8" and "вступлении" in record.text
    (message,) = mail.outbox
    assert message.to == ["ppo5@example.org"] and "Сидорова Анна Ивановна" in message.body


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"workplace": "999999"}, "Выберите организацию из списка"),
        ({"workplace": "other"}, "Напишите, где вы работаете."),
        ({"phone": "", "email": ""}, "Оставьте телефон или e-mail"),
        ({"consent": ""}, "Без согласия на обработку персональных данных"),
        ({"full_name": ""}, "Требуется заполнить это поле."),
    ],
)
def test_a_bad_application_is_refused_in_russian(client, region, change, error):
    response = client.post(
        APPLY, application(region, region["primary"].pk, **change), HTTP_HOST=ZHELEZNOGORSK
    )
    assert response.status_code == 200
    assert error in response.text
    assert Application.objects.count() == 0 and ConsentRecord.objects.count() == 0


def test_another_areas_organization_cannot_be_chosen(client, region):
    elsewhere = factories.org("primary", "46-02-001", "ППО Рыльской школы", "ry1", region["other"])
    response = client.post(APPLY, application(region, elsewhere.pk), HTTP_HOST=ZHELEZNOGORSK)
    assert "Выберите организацию из списка" in response.text
    assert Application.objects.count() == 0


def test_not_in_the_list_goes_to_the_sites_organization(client, region):
    data = application(region, "other", workplace_other="Школа № 99, ул. Новая, 1")
    client.post(APPLY, data, HTTP_HOST=ZHELEZNOGORSK)
    sent = Application.objects.get()
    assert sent.organization == region["territorial"]
    assert sent.workplace == "Школа № 99, ул. Новая, 1"


def test_a_bot_is_thanked_and_nothing_kept(client, region):
    data = application(region, region["primary"].pk, website="spam")
    response = client.post(APPLY, data, HTTP_HOST=ZHELEZNOGORSK)
    assert response.status_code == 200 and "Спасибо" in response.text
    assert Application.objects.count() == 0


def _user(username, *groups):
    user = get_user_model().objects.create_user(username, password="x")
    user.groups.add(*groups)
    return user


def test_who_sees_which_applications(client, region):
    school = Application.objects.create(
        organization=region["primary"], full_name="Анна Школьная", workplace="СОШ", position="x"
    )
    siteless = Application.objects.create(
        organization=region["siteless"], full_name="Вера Садовая", workplace="сад", position="x"
    )
    school_editor = _user("school", region["primary"].editors_group)
    territorial_editor = _user("zh", region["territorial"].editors_group)
    other_editor = _user("rylsk", region["other"].editors_group)
    admin = _user("admin", Group.objects.get(name=REGIONAL_ADMINS))
    seen = {}
    for user in (school_editor, territorial_editor, other_editor, admin):
        client.force_login(user)
        html = client.get("/admin/applications/").text
        seen[user.username] = {name for name in ("Анна Школьная", "Вера Садовая") if name in html}
    assert seen == {
        "school": {"Анна Школьная"},
        "zh": {"Вера Садовая"},  # a primary without a site has no editors of its own
        "rylsk": set(),
        "admin": {"Анна Школьная", "Вера Садовая"},
    }
    client.force_login(territorial_editor)
    assert client.get(f"/admin/applications/{school.pk}/").status_code == 404
    response = client.post(f"/admin/applications/{school.pk}/", {"status": "declined"})
    assert response.status_code == 404
    assert Application.objects.get(pk=school.pk).status == "new"
    response = client.post(
        f"/admin/applications/{siteless.pk}/", {"status": "contacted", "note": "позвонили"}
    )
    assert response.status_code == 302
    siteless.refresh_from_db()
    assert siteless.status == "contacted" and siteless.note == "позвонили"


def test_network_admins_count_applications_per_territorial_organization(client, region):
    for organization, status in (
        (region["primary"], "new"),
        (region["primary"], "joined"),
        (region["siteless"], "new"),
        (region["other"], "declined"),
    ):
        Application.objects.create(
            organization=organization, full_name="x", workplace="x", position="x", status=status
        )
    client.force_login(_user("admin", Group.objects.get(name=REGIONAL_ADMINS)))
    html = client.get("/admin/applications/counts/").text
    row = html.split('<th scope="row">Железногорская городская организация</th>')[1]
    cells = re.findall(r"<td>(\d+)</td>", row.split("</tr>")[0])
    assert cells == ["2", "0", "1", "0", "3"]  # new, contacted, joined, declined, all
    assert "Рыльская районная организация" in html


def test_erasing_a_person_removes_their_applications(client, region):
    client.post(APPLY, application(region, region["primary"].pk), HTTP_HOST=ZHELEZNOGORSK)
    admin = _user("admin", Group.objects.get(name=REGIONAL_ADMINS))
    erasure = holders.erase("ANNA@example.org", user=admin)
    assert erasure.removed["Заявления о вступлении"] == 1
    assert Application.objects.count() == 0


def test_the_form_costs_few_queries(client, region, django_assert_max_num_queries):
    client.get(JOIN, HTTP_HOST=RYLSK)
    with django_assert_max_num_queries(15):
        client.get(JOIN, HTTP_HOST=RYLSK)
    assert Organization.objects.count() >= 5
