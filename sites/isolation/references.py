"""Every image, document and page that an edit form refers to must be one the user may choose.

Wagtail's choosers list only what the user may choose, but the ids they fill in arrive as plain
form values: a foreign key (a report's document, a news item's image, a site's logo), a block
of a StreamField, a link or an embed in rich text. Wagtail checks none of them against the
user's rights, so a curious editor could publish another organization's unpublished document
(it is then served to everyone) or preview its private image. Here every page form and every
site-setting form checks all references the edited object holds, however they are stored
(Wagtail's reference index extracts them), and refuses a foreign one with a Russian message
before anything is saved or previewed.

Only references new to the object are checked, so content that someone with wider rights put
in (a territorial editor, the site template) does not lock the page for its own editors.
"""

import json
from io import BytesIO

from django.http import QueryDict
from wagtail.blocks.base import BlockField
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.permissions import policy_registry
from wagtail_localize.models import OverridableSegment, Translation

from sites.isolation.pages import explorable_pages
from sites.patches.internals import base_content_type, extract_references

MESSAGES = {
    "image": "Изображение №{ids} недоступно: выберите изображение своей организации.",
    "document": "Документ №{ids} недоступен: выберите документ своей организации.",
    "page": "Страница №{ids} недоступна: ссылаться можно на свои и на опубликованные страницы.",
}


def references_of(instance):
    """{(content type id, object id): field name} of what `instance` refers to."""
    found = {}
    for (
        content_type_id,
        object_id,
        model_path,
        _content_path,
    ) in extract_references(instance):
        found.setdefault((content_type_id, str(object_id)), model_path.split(".")[0])
    return found


def _kinds():
    return {
        base_content_type(model).id: (kind, model)
        for kind, model in (
            ("image", get_image_model()),
            ("document", get_document_model()),
            ("page", Page),
        )
    }


def _ids(values):
    return {int(value) for value in values if str(value).isdigit()}


def not_choosable(user, kind, model, ids):
    """Of `ids`, those `user` may not refer to (missing ones included)."""
    if user.is_superuser:
        return set()
    if kind == "page":
        allowed = set(
            Page.objects.filter(pk__in=ids)
            .filter(pk__in=explorable_pages(user).values("pk"))
            .values_list("pk", flat=True)
        ) | set(Page.objects.live().public().filter(pk__in=ids).values_list("pk", flat=True))
    else:
        policy = policy_registry.get_by_type(model)
        allowed = set(
            policy.instances_user_has_any_permission_for(user, ["choose"])
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
    return ids - allowed


def foreign_references(user, new, old=()):
    """[(field name, message)] for each reference in `new` (not in `old`) `user` may not
    choose, one message per kind of object."""
    kinds = _kinds()
    wanted = {}
    for (content_type_id, object_id), field in new.items():
        if (content_type_id, object_id) in old or content_type_id not in kinds:
            continue
        wanted.setdefault(content_type_id, {}).setdefault(object_id, field)
    errors = []
    for content_type_id, fields in wanted.items():
        kind, model = kinds[content_type_id]
        refused = not_choosable(user, kind, model, _ids(fields))
        if refused:
            ids = ", ".join(str(pk) for pk in sorted(refused))
            field = next(fields[str(pk)] for pk in sorted(refused))
            errors.append((field, MESSAGES[kind].format(ids=ids)))
    return errors


class ChoosableReferencesMixin:
    """For Wagtail's admin model forms (they get `for_user`): refuse foreign references."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._references_before = references_of(self.instance) if self.instance.pk else {}

    def _post_clean(self):
        super()._post_clean()
        user = getattr(self, "for_user", None)
        if user is None:
            return  # not an admin request (a command, a test building pages): nothing to check
        new = references_of(self.instance)
        for name, formset in getattr(self, "formsets", {}).items():
            # Cleaned first (ClusterForm validates its formsets after the form), so that each
            # inline object holds the ids it was sent.
            formset.is_valid()
            for form in formset.forms:
                if form.has_changed():
                    new.update(references_of(form.instance))
                    new.update(_foreign_keys(form.instance, name))
        for field, message in foreign_references(user, new, self._references_before):
            self.add_error(
                field if field in self.fields and not _is_stream(self, field) else None, message
            )


def _foreign_keys(instance, name):
    """The images, documents and pages an inline object (a formset's: «Документы»' items, a
    form's fields) refers to by a foreign key. The reference index extracts an inline's
    references only from the page that holds it, and the form's page has not been given
    its inlines yet when it is cleaned."""
    found = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname) if field.many_to_one else None
        if value is None:
            continue
        for content_type_id, (_kind, model) in _kinds().items():
            if issubclass(field.related_model, model):
                found[(content_type_id, str(value))] = name
    return found


def _is_stream(form, name):
    return isinstance(form.fields[name], BlockField)


def checked(form_class, default):
    form_class = form_class or default
    if issubclass(form_class, ChoosableReferencesMixin):
        return form_class
    return type(f"Checked{form_class.__name__}", (ChoosableReferencesMixin, form_class), {})


def foreign_override(request, translation_id, overridable_segment_id):
    """wagtail-localize's «edit override» (PUT) replaces an image, a document or a page of the
    source in one translation by any id it is sent: the message if it is one the user may not
    choose, else None."""
    segment = OverridableSegment.objects.filter(pk=overridable_segment_id).first()
    translation = Translation.objects.filter(pk=translation_id).first()
    if segment is None or translation is None:
        return None  # wagtail-localize answers 404
    if request.content_type == "multipart/form-data":
        data, _files = request.parse_file_upload(request.META, BytesIO(request.body))
    else:
        data = QueryDict(request.body, encoding=request.encoding)
    value = str(data.get("value", ""))
    original, path = str(json.loads(segment.data_json)), segment.context.path
    kinds = _kinds()
    source = translation.source.get_source_instance()
    for (
        content_type_id,
        object_id,
        _model_path,
        content_path,
    ) in extract_references(source):
        if content_type_id not in kinds or str(object_id) != original:
            continue
        if path == content_path or path.startswith(content_path + "."):
            kind, model = kinds[content_type_id]
            if not value.isdigit() or not_choosable(request.user, kind, model, {int(value)}):
                return MESSAGES[kind].format(ids=value or "—")
    return None
