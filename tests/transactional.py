"""For modules of transactional tests (a live server, a subprocess or pg_dump must see the
data, so it is committed): Django empties every table after each test, the rows the migrations
made included (the Wagtail root page, the "ru" locale, the root collection, ...). The tests ask
for `serialized_rollback`, which puts those rows back before each test; `_migrated_rows_back`,
imported into a module's conftest, puts them back after the last one, for the tests that run
later and for the next run's kept database (`--reuse-db`)."""

import pytest
from django.db import connection
from wagtail.models import Page


@pytest.fixture(scope="module", autouse=True)
def _migrated_rows_back(django_db_setup, django_db_blocker):
    """After a module of transactional tests, put back the rows the migrations made."""
    yield
    with django_db_blocker.unblock():
        if Page.objects.filter(depth=1).exists():
            return
        contents = getattr(connection, "_test_serialized_contents", None)
        if not contents:
            pytest.fail(
                "transactional tests emptied the test database and nothing was kept to restore: "
                "mark them django_db(transaction=True, serialized_rollback=True)",
                pytrace=False,
            )
        connection.creation.deserialize_db_from_string(contents)
