"""The pages members use to join, ask and subscribe cost the same few queries (at most 15)
with a small region and with a larger one: more primary organizations to choose a workplace
from, more answers, subscribers and applications."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.forms.models import FormSubmission

from membership.models import Application
from newsletters.models import Subscription

from .. import factories
from ..site_content import PAGES, ZHELEZNOGORSK, build_region

pytestmark = pytest.mark.django_db

MEMBER_PAGES = ["policy", "how-to-join", "form", "subscribe", "events", "event"]


def queries(client, path):
    client.get(path, HTTP_HOST=ZHELEZNOGORSK)  # warm: the chrome, the prepared queries
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, HTTP_HOST=ZHELEZNOGORSK).status_code == 200
    return len(captured)


def grow(organizations, n):
    zheleznogorsk = organizations["zheleznogorsk"]
    for number in range(n):
        primary = factories.org(
            "primary", f"46-01-{500 + number:03d}", f"ППО № {number}", f"p{number}", zheleznogorsk
        )
        Application.objects.create(
            organization=primary, full_name=f"Заявитель {number}", workplace="x", position="x"
        )
        FormSubmission.objects.create(
            page_id=FormSubmission.objects.values_list("page_id", flat=True).first() or _form_id(),
            form_data={"x": number},
        )
        Subscription.objects.create(site=zheleznogorsk.site, email=f"r{number}@example.org")


def _form_id():
    from webforms.models import FormPage

    return FormPage.objects.values_list("pk", flat=True).first()


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_member_pages_cost_the_same_in_a_larger_region(client, name):
    organizations = build_region()
    path = PAGES[name]
    small = queries(client, path)
    grow(organizations, 25)
    large = queries(client, path)
    assert small == large <= 15, (path, small, large)
