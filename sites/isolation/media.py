"""Images and documents: the admin API lists only what the user may choose; an unpublished
document is served only to those who may choose it."""

from django.http import Http404
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.models import Page, ReferenceIndex
from wagtail.permissions import policy_registry

from sites.accounts.twofactor import owes_second_factor
from sites.patches.internals import base_content_type

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


# Documents served to the public ---------------------------------------------------------------


def document_is_published(document):
    """Is the document linked from a live page (a report's file, a link in a body)? Wagtail's
    reference index records the links of each page as last saved, drafts included."""
    page_ids = (
        ReferenceIndex.get_references_to(document)
        .filter(base_content_type=base_content_type(Page))
        .values_list("object_id", flat=True)
    )
    return Page.objects.live().filter(pk__in=[int(pk) for pk in page_ids]).exists()


def hide_unpublished_document(document, request):
    """`before_serve_document`: /documents/<id>/<name> serves a document to everyone once a
    published page links to it; until then (an upload, a draft's attachment) only to those who
    may choose it, the editors of its organization (and of its parent), and regional admins.
    Anyone else gets the 404 they would get for a document that does not exist."""
    user = request.user
    if user.is_authenticated and user.is_active and not owes_second_factor(user):
        policy = policy_registry.get_by_type(type(document))
        if policy.user_has_permission_for_instance(user, "choose", document):
            return None
    if not document_is_published(document):
        raise Http404
    return None
