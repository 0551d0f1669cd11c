"""Editors work only on their own sites (issue 4): fixes for the cross-organization leaks that
Wagtail's own permission checks leave open. Each function here is registered as a Wagtail hook
in sites/wagtail_hooks.py; tests/test_isolation.py is the matrix that proves them.

Superusers and regional admins (whose page rights are on the root) are not restricted.
"""

from django.core.exceptions import PermissionDenied
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.models import Page
from wagtail.permissions import policy_registry

# Pages ---------------------------------------------------------------------------------------


def explorable_pages(user):
    """The pages of the trees the user has rights on, and their ancestors (to navigate)."""
    return policy_registry.get_by_type(Page).explorable_instances(user)


def restrict_page_chooser(pages, request):
    """`construct_page_chooser_queryset`: the page chooser (browse and search) lists only the
    trees the user may work on, never another organization's pages and drafts."""
    if request.user.is_superuser:
        return pages
    return pages.filter(pk__in=explorable_pages(request.user).values("pk"))


def refuse_foreign_move(request, page, destination):
    """`before_move_page`: Wagtail's move confirmation shows the page (draft title included)
    before checking the move is allowed; refuse it first, for GET and POST alike."""
    if not page.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied


# Images and documents in the admin API -------------------------------------------------------


class ChoosableOnlyMixin:
    """Admin API endpoints list and show only the media the user may choose: those of the
    collections their group has rights on (Wagtail's own endpoints list every collection)."""

    def get_queryset(self):
        policy = policy_registry.get_by_type(self.model)
        allowed = policy.instances_user_has_any_permission_for(self.request.user, ["choose"])
        return super().get_queryset().filter(pk__in=allowed.values("pk"))


class ScopedImagesAdminAPIViewSet(ChoosableOnlyMixin, ImagesAdminAPIViewSet):
    pass


class ScopedDocumentsAdminAPIViewSet(ChoosableOnlyMixin, DocumentsAdminAPIViewSet):
    pass


def scope_admin_api(router):
    """`construct_admin_api`, run after Wagtail's own: replace the media endpoints."""
    router.register_endpoint("images", ScopedImagesAdminAPIViewSet)
    router.register_endpoint("documents", ScopedDocumentsAdminAPIViewSet)
