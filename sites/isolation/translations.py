"""Translations (wagtail-localize): every view only on pages the user may edit."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, JsonResponse
from django.urls import reverse
from wagtail.models import Page
from wagtail_localize.models import Translation, TranslationSource

from sites.isolation.references import foreign_override
from sites.network.roles import is_network_admin

# Translations (wagtail-localize) ----------------------------------------------------------------


class TranslationViewsGuard:
    """wagtail-localize's admin views check only the model permission `submit_translation`,
    then act on any page, translation or translation source id they are given (submit, update,
    edit strings, preview, upload/download PO, machine-translate, stop, convert to alias), and
    its translations report lists every organization's. Here every one of them is allowed only
    when the user may edit the pages it concerns (404 otherwise), and the report only for
    regional admins and superusers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or "wagtail_localize" not in match.namespaces:
            return None
        user = request.user
        if not user.is_authenticated or user.is_superuser:
            return None  # Wagtail's own login and permission checks apply
        if (match.url_name or "").startswith("translations_report"):
            if not is_network_admin(user):
                raise PermissionDenied
            return None
        for page in _pages_concerned(view_kwargs):
            if page is None or not page.permissions_for_user(user).can_edit():
                raise Http404
        if match.url_name == "edit_override" and request.method == "PUT":
            message = foreign_override(request, **view_kwargs)
            if message:
                return JsonResponse({"error": message}, status=400)
        return None


def _pages_concerned(kwargs):
    sources = []
    if "page_id" in kwargs:
        yield Page.objects.filter(pk=kwargs["page_id"]).first()
    if "translation_id" in kwargs:
        translation = Translation.objects.filter(pk=kwargs["translation_id"]).first()
        if translation is None:
            yield None
            return
        sources.append(translation.source)
        try:
            target = translation.get_target_instance()
        except ObjectDoesNotExist:
            target = None  # not made yet: the source decides
        if isinstance(target, Page):
            yield target
    if "translation_source_id" in kwargs:
        sources.append(TranslationSource.objects.filter(pk=kwargs["translation_source_id"]).first())
    for source in sources:
        instance = source.get_source_instance() if source is not None else None
        if not isinstance(instance, Page):
            yield None  # snippets hold no organization content here (see SECURITY.md)
            continue
        yield instance


def hide_translations_report(request, menu_items):
    """`construct_reports_menu`: wagtail-localize's report lists every organization's
    translations: regional admins and superusers only."""
    if not is_network_admin(request.user):
        report = reverse("wagtail_localize:translations_report")
        menu_items[:] = [item for item in menu_items if item.url != report]
