"""The depths of the tree sites are rooted at, kept (home/site_roots.py: `root_depths()`),
filled here for the sites that exist."""

from django.db import migrations, models


def fill(apps, schema_editor):
    page = apps.get_model("wagtailcore", "Page")
    site = apps.get_model("wagtailcore", "Site")
    depth = apps.get_model("home", "SiteRootDepth")
    roots = page.objects.filter(pk__in=site.objects.values("root_page"))
    depths = (
        page.objects.filter(translation_key__in=roots.values("translation_key"))
        .order_by()
        .values_list("depth", flat=True)
        .distinct()
    )
    depth.objects.bulk_create([depth(depth=value) for value in sorted(set(depths))])


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0006_search_entry_object_index"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name="SiteRootDepth",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("depth", models.PositiveSmallIntegerField(unique=True)),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
