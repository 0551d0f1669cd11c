from dataclasses import dataclass

from django import template
from django.conf import settings
from wagtail.models import Page

register = template.Library()

LANGUAGE_NAMES = dict(settings.WAGTAIL_CONTENT_LANGUAGES)


@dataclass
class PageLanguage:
    code: str
    name: str
    url: str  # absolute, on the site's own hostname
    current: bool


@register.simple_tag(takes_context=True)
def page_languages(context, page):
    """The languages `page` is published in, the current one included, in one query: for the
    language switcher (shown only when there is more than one) and the hreflang links."""
    if not isinstance(page, Page) or not page.pk:
        return []
    chrome = context.get("site_chrome")
    if chrome is not None and not chrome.translated:
        return []  # the site has no other language: nothing to look up
    request = context.get("request")
    pages = (
        Page.objects.live()
        .filter(translation_key=page.translation_key)
        .select_related("locale")
        .only("url_path", "locale__language_code")
        .order_by("locale__language_code")
    )
    languages = [
        PageLanguage(
            code=other.locale.language_code,
            name=LANGUAGE_NAMES.get(other.locale.language_code, other.locale.language_code),
            url=other.get_full_url(request),
            current=other.pk == page.pk,
        )
        for other in pages
    ]
    return languages if len(languages) > 1 else []
