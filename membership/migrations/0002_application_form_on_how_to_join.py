"""The «Как вступить в Профсоюз» page of the site template and of every site made from it gets
the application form block, in its content and its latest revision (the draft editors start
from), unless it has one."""

import json
import uuid

from django.db import migrations
from wagtail.blocks import StreamValue

SLUG = "kak-vstupit"
BLOCK = "application_form"


def _with_block(raw):
    if any(item.get("type") == BLOCK for item in raw):
        return None
    return [*raw, {"type": BLOCK, "value": None, "id": str(uuid.uuid4())}]


def add_block(apps, schema_editor):
    StandardPage = apps.get_model("home", "StandardPage")
    Revision = apps.get_model("wagtailcore", "Revision")
    stream_block = StandardPage._meta.get_field("body").stream_block
    pages = StandardPage.objects.filter(slug=SLUG, depth=3)
    for page_id, body in pages.values_list("pk", "body").iterator():
        new = _with_block(list(body.raw_data))
        if new is not None:
            value = StreamValue(stream_block, new, is_lazy=True)
            StandardPage.objects.filter(pk=page_id).update(body=value)
    revision_ids = pages.exclude(latest_revision=None).values_list("latest_revision_id", flat=True)
    for revision in Revision.objects.filter(pk__in=list(revision_ids)).iterator():
        content = revision.content
        body = content.get("body")
        if not isinstance(body, str):
            continue
        new = _with_block(json.loads(body))
        if new is not None:
            content["body"] = json.dumps(new)
            Revision.objects.filter(pk=revision.pk).update(content=content)


class Migration(migrations.Migration):
    dependencies = [
        ("membership", "0001_initial"),
        ("home", "0008_alter_standardpage_body"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(add_block, migrations.RunPython.noop)]
