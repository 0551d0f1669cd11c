from django.db import migrations, models


def fill_search_names(apps, schema_editor):
    """Each organization's folded names (directory.models.folded, as of this migration)."""
    organization_model = apps.get_model("directory", "Organization")
    batch = []
    for organization in organization_model.objects.only("name", "short_name").iterator():
        text = f"{organization.short_name} {organization.name}"
        organization.search_name = text.casefold().replace("ё", "е")
        batch.append(organization)
        if len(batch) == 1000:
            organization_model.objects.bulk_update(batch, ["search_name"])
            batch = []
    organization_model.objects.bulk_update(batch, ["search_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0005_several_regions"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="search_name",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="Краткое и полное наименование строчными буквами, «ё» как «е» (folded()).",
                max_length=710,
                verbose_name="имя для поиска",
            ),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop),
    ]
