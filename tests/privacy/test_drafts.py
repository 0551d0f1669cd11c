"""The new page types' drafts open in the admin («Просмотр черновика»): a form (and its
thank-you page), the policy, «События» and an event."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from events.models import EventIndexPage, EventPage
from privacy.models import PrivacyPolicyPage
from sites.network.building import add_published_child

from ..site_content import build_small_region, survey

pytestmark = pytest.mark.django_db


def test_drafts_of_the_new_page_types_open(client):
    region = build_small_region()
    territorial = region["territorial"]
    home = territorial.home_page
    form = survey(home)
    index = EventIndexPage.objects.child_of(home).get()
    start = timezone.now() + datetime.timedelta(days=3)
    event = add_published_child(
        index,
        EventPage(
            title="Семинар", slug="seminar", start=start, place="Дом учителя", summary="Коротко."
        ),
    )
    policy = PrivacyPolicyPage.objects.child_of(home).get()
    editor = get_user_model().objects.create_user("editor", password="x")
    editor.groups.add(territorial.editors_group)
    client.force_login(editor)
    for page, text in (
        (form, "Опрос о нагрузке"),
        (policy, "Оператор"),
        (index, "Предстоящие"),
        (event, "Добавить в календарь"),
    ):
        response = client.get(f"/admin/pages/{page.pk}/view_draft/")
        assert response.status_code == 200, page
        assert text in response.content.decode(), page
    landing = client.get(f"/admin/pages/{form.pk}/view_draft/?mode=landing")
    assert landing.status_code == 200
