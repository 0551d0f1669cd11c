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
    """The languages `page` is published in, the current one included, in one query kept with
    the site chrome: for the language switcher (shown only when there is more than one) and
    the hreflang links."""
    if not isinstance(page, Page) or not page.pk:
        return []
    chrome = context.get("site_chrome")
    if chrome is not None and not chrome.translated:
        return []  # the site has no other language: nothing to look up
    request = context.get("request")

    def published():
        """(language code, absolute URL, page id) of each: kept with the chrome, which any
        page published, moved or deleted renews."""
        pages = (
            Page.objects.live()
            .filter(translation_key=page.translation_key)
            .select_related("locale")
            .only("url_path", "locale__language_code")
            .order_by("locale__language_code")
        )
        return [
            (other.locale.language_code, other.get_full_url(request), other.pk) for other in pages
        ]

    if chrome is None or getattr(request, "is_preview", False):
        found = published()
    else:
        found = chrome.kept(f"languages:{page.translation_key}", published)
    languages = [
        PageLanguage(code=code, name=LANGUAGE_NAMES.get(code, code), url=url, current=pk == page.pk)
        for code, url, pk in found
    ]
    return languages if len(languages) > 1 else []
