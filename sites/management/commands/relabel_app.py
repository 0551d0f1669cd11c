"""`manage.py relabel_app`: move a database made when the `sites` app was labelled `platform`
to the label `sites`, before `migrate` (`make migrate` runs it). Idempotent: on a new database,
or one already moved, it does nothing.

Django cannot rename an app label in a migration: the migrations of the new label would be
planned from scratch. So the tables, the migration history and the content types (which the
group permissions point to) are renamed here, in one transaction."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

OLD_LABEL = "platform"
NEW_LABEL = "sites"


def relabel():
    """Rename what the old label left; returns the tables renamed (None: nothing to do)."""
    tables = set(connection.introspection.table_names())
    if "django_migrations" not in tables:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app = %s", [OLD_LABEL])
        if not cursor.fetchone()[0]:
            return None
    quote = connection.ops.quote_name
    renamed = []
    with transaction.atomic(), connection.cursor() as cursor:
        for model in apps.get_app_config(NEW_LABEL).get_models():
            old = f"{OLD_LABEL}_{model._meta.model_name}"
            new = model._meta.db_table
            if old in tables and new not in tables:
                cursor.execute(f"ALTER TABLE {quote(old)} RENAME TO {quote(new)}")  # noqa: S608
                renamed.append(new)
        cursor.execute(
            "UPDATE django_migrations SET app = %s WHERE app = %s", [NEW_LABEL, OLD_LABEL]
        )
        cursor.execute(
            "UPDATE django_content_type SET app_label = %s WHERE app_label = %s",
            [NEW_LABEL, OLD_LABEL],
        )
    return renamed


class Command(BaseCommand):
    help = "Переносит базу данных с прежней метки приложения (platform) на sites перед migrate."
    requires_system_checks = []

    def handle(self, *args, **options):
        renamed = relabel()
        if renamed is None:
            self.stdout.write("Переименовывать нечего.")
        else:
            self.stdout.write(
                f"Метка приложения перенесена на «{NEW_LABEL}»: {len(renamed)} таблиц."
            )
