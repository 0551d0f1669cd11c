"""wagtail-localize's buttons in the page explorer come from the listing's query: the same
buttons as wagtail-localize's own hook gives, page by page, and no query per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page
from wagtail_localize import wagtail_hooks as localize_hooks

from sites.onboarding.services import onboard
from sites.patches import translation_buttons

from .. import factories
from ..home.test_translations import editor, publish_english  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def buttons(function, page, user):
    return [
        (str(button.label), button.url) for button in function(page, user, next_url="/admin/pages/")
    ]


def test_the_buttons_are_wagtail_localizes_page_by_page(region, editor, admin_user):  # noqa: F811
    publish_english(region, editor)  # the territorial site: sources with enabled translations
    pages = translation_buttons.annotate_translation_state(
        None, Page.objects.filter(depth__gte=2).order_by("path"), None
    )
    shown = set()
    for page in pages:
        ours = buttons(translation_buttons.page_listing_more_buttons, page, admin_user)
        theirs = buttons(
            localize_hooks.page_listing_more_buttons, Page.objects.get(pk=page.pk), admin_user
        )
        assert ours == theirs, page.url_path
        shown.update(label for label, _url in ours)
        assert buttons(translation_buttons.page_listing_more_buttons, page, editor) == buttons(
            localize_hooks.page_listing_more_buttons, Page.objects.get(pk=page.pk), editor
        )
    assert len(shown) == 2, shown  # both buttons were compared, not only their absence


def test_the_explorer_asks_nothing_per_row(admin_client, region):
    def explorer_queries():
        admin_client.get("/admin/pages/")
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get("/admin/pages/").status_code == 200
        return len(queries), [
            query["sql"] for query in queries if "wagtail_localize" in query["sql"]
        ]

    few, localize = explorer_queries()
    assert len(localize) == 1, "the listing's own query only"
    for number in range(6):
        onboard(factories.PrimaryOrganizationFactory(code=f"46-07-{number:03d}"))
    many, localize = explorer_queries()
    assert len(localize) == 1, "wagtail-localize asked per row"
    assert many - few < 6, (few, many)
