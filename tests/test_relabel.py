"""`manage.py relabel_app` moves a database made under the old app label `platform`: its
tables, migration history and content types (so the groups keep their permissions)."""

from io import StringIO

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection


def _rename(old, new):
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {quote(old)} RENAME TO {quote(new)}")  # noqa: S608


def _as_before_the_rename():
    """The database as the old label left it."""
    for model in apps.get_app_config("sites").get_models():
        _rename(model._meta.db_table, f"platform_{model._meta.model_name}")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE django_migrations SET app = 'platform' WHERE app = 'sites'")
        cursor.execute(
            "UPDATE django_content_type SET app_label = 'platform' WHERE app_label = 'sites'"
        )


def test_an_old_database_is_moved_and_a_second_run_does_nothing(db):
    group = Group.objects.create(name="Редакторы")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="sites", codename="change_sitebranding")
    )
    _as_before_the_rename()
    assert "platform_sitebranding" in connection.introspection.table_names()

    out = StringIO()
    call_command("relabel_app", stdout=out)
    assert "Метка приложения перенесена" in out.getvalue()
    tables = connection.introspection.table_names()
    for model in apps.get_app_config("sites").get_models():
        assert model._meta.db_table in tables
        assert f"platform_{model._meta.model_name}" not in tables
        assert model.objects.count() == 0  # the table answers under its new name
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app = 'platform'")
        assert cursor.fetchone()[0] == 0
    assert group.permissions.get().content_type.app_label == "sites"

    out = StringIO()
    call_command("relabel_app", stdout=out)
    assert "Переименовывать нечего." in out.getvalue()
