"""Wagtail's behaviour made cheaper per request, to the same result. Checked against Wagtail 8.0."""

from django.utils import translation
from wagtail.models import Locale

from home.kept import kept_for_network


def keep_active_locales():
    """`Locale.get_active()` asks the database for the locale of the active language on every
    page view (Wagtail's routing starts with `site.root_page.localized`). Kept with the site
    chrome instead (directory/chrome.py), whose generation a locale saved or deleted renews."""
    original = Locale.get_active
    if getattr(original, "kept", False):
        return

    def get_active(cls):
        language = translation.get_language()
        return kept_for_network(f"locale:{language}", lambda: original.__func__(cls))

    get_active.kept = True
    Locale.get_active = classmethod(get_active)


PATCHES = [keep_active_locales]

# The names the patches rely on: (module, attribute path), for tests/patches/test_patches.py.
PATCHED_NAMES = [("wagtail.models.i18n", "Locale.get_active")]
