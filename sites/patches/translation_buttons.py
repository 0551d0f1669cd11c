"""wagtail-localize's buttons in the page explorer, from the listing's own query.

For every row of the explorer, wagtail-localize's «Translate this page» and «Sync translated
pages» buttons each cost a query (is there a locale the page is not translated into yet; is
the page a translation source with enabled translations): 100 of the regional admin's 141
queries for a page of 50 home pages. The explorer's queryset is annotated with both answers
instead (`construct_explorer_page_queryset`), and wagtail-localize's button hook gives way to
one that reads them; a listing without the annotations asks as wagtail-localize does. The
buttons, their URLs and their order are wagtail-localize's. Checked against
wagtail-localize 1.x with Wagtail 8.0."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.widgets import ListingButton
from wagtail.models import Locale, Page
from wagtail_localize import wagtail_hooks as localize_hooks
from wagtail_localize.models import TranslationSource

HOOK = "register_page_listing_more_buttons"


def annotate_translation_state(parent_page, pages, request):
    """The `construct_explorer_page_queryset` hook: each page with `_localize_can_translate`
    (a locale it has no translation in, aliases not counted) and `_localize_sync_source`
    (the id of its translation source with enabled translations, or None)."""
    translated_locales = Page.objects.filter(
        translation_key=OuterRef(OuterRef("translation_key")), alias_of__isnull=True
    ).values("locale_id")
    sources = TranslationSource.objects.filter(
        object__translation_key=OuterRef("translation_key"),
        object__content_type=ContentType.objects.get_for_model(Page),
        locale_id=OuterRef("locale_id"),
        translations__enabled=True,
    ).values("pk")[:1]
    return pages.annotate(
        _localize_can_translate=Exists(Locale.objects.exclude(id__in=translated_locales)),
        _localize_sync_source=Subquery(sources),
    )


def page_listing_more_buttons(page, user, view_name=None, next_url=None):
    """wagtail-localize's buttons, from the annotations when the page has them."""
    if not hasattr(page, "_localize_can_translate"):
        yield from localize_hooks.page_listing_more_buttons(page, user, view_name, next_url)
        return
    if page.is_root() or not user.has_perm("wagtail_localize.submit_translation"):
        return
    if page._localize_can_translate:
        url = reverse(
            "wagtail_localize:submit_page_translation", args=[page.alias_of_id or page.id]
        )
        yield ListingButton(
            _("Translate this page"), url, priority=60, icon_name="wagtail-localize-language"
        )
    if page._localize_sync_source is not None:
        url = reverse("wagtail_localize:update_translations", args=[page._localize_sync_source])
        if next_url is not None:
            url += "?" + urlencode({"next": next_url})
        yield ListingButton(_("Sync translated pages"), url, priority=60, icon_name="resubmit")


def answer_translation_buttons_from_the_listing():
    registered = hooks._hooks.get(HOOK, [])
    for position, (function, order) in enumerate(registered):
        if function is localize_hooks.page_listing_more_buttons:
            registered[position] = (page_listing_more_buttons, order)
    hooks.register("construct_explorer_page_queryset", annotate_translation_state)


PATCHES = [answer_translation_buttons_from_the_listing]
PATCHED_NAMES = [
    ("wagtail.hooks", "_hooks"),
    ("wagtail_localize.wagtail_hooks", "page_listing_more_buttons"),
]
