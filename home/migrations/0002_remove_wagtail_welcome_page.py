"""Wagtail's first migration makes a "Welcome to your new Wagtail site!" page and a default
site on localhost:80. Every site here is made from the registry instead, so both go."""

from django.db import migrations


def remove_welcome_page(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    ContentType = apps.get_model("contenttypes", "ContentType")
    page_type = ContentType.objects.filter(app_label="wagtailcore", model="page").first()
    if page_type is None:
        return
    welcome = Page.objects.filter(depth=2, slug="home", content_type=page_type, numchild=0)
    Site.objects.filter(root_page__in=welcome).delete()
    for page in welcome:
        page.delete()
        root = Page.objects.get(depth=1)
        root.numchild = Page.objects.filter(depth=2).count()
        root.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(remove_welcome_page, migrations.RunPython.noop)]
