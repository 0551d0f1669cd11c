"""Tags: suggestions and popular-tag filters name only tags of the user's own media and pages."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from taggit.models import Tag, TagBase, TaggedItem
from wagtail.admin.views.tags import TAGS_AUTOCOMPLETE_LIMIT
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from news.models import NewsPageTag
from sites.isolation.pages import explorable_pages, guarded
from sites.network.roles import is_network_admin


def visible_tags(user):
    """The tags of the images and documents `user` may choose and of the pages they may
    explore: every tag for network admins. Wagtail's tag suggestions and popular-tag filters
    name the tags of every organization's private media and drafts."""
    if is_network_admin(user):
        return Tag.objects.all()
    media = Q()
    for model in (get_image_model(), get_document_model()):
        choosable = policy_registry.get_by_type(model).instances_user_has_any_permission_for(
            user, ["choose"]
        )
        media |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=choosable.values("pk"),
        )
    pages = NewsPageTag.objects.filter(content_object__in=explorable_pages(user).values("pk"))
    return Tag.objects.filter(
        Q(pk__in=TaggedItem.objects.filter(media).values("tag_id"))
        | Q(pk__in=pages.values("tag_id"))
    )


def popular_visible_tags(model, user, count=10):
    """Wagtail's `popular_tags_for_model`, limited to the tags `user` may see."""
    return (
        Tag.objects.filter(
            taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(model),
            pk__in=visible_tags(user).values("pk"),
        )
        .annotate(item_count=Count("taggit_taggeditem_items"))
        .order_by("-item_count")[:count]
    )


@guarded
def tag_autocomplete(request, app_name=None, model_name=None):
    """The tag field's suggestions: only tags the user may see (Wagtail suggests any)."""
    if app_name or model_name:
        content_type = ContentType.objects.filter(app_label=app_name, model=model_name).first()
        model = content_type.model_class() if content_type else None
        if model is None or not issubclass(model, TagBase):
            raise Http404
    term = request.GET.get("term", "")
    if not term:
        return JsonResponse([], safe=False)
    tags = visible_tags(request.user).filter(name__istartswith=term).order_by("name")
    return JsonResponse(
        list(tags.values_list("name", flat=True)[:TAGS_AUTOCOMPLETE_LIMIT]), safe=False
    )
