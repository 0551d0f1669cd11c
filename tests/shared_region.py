"""The `region` tests share within a module: built once in a transaction of the module's,
each test in a savepoint inside it (tests/conftest.py: the `_shared_region` fixture and the
collection hook that orders a module's tests for it).

Onboarding the small region's four sites costs ~0.6 s on SQLite and ~0.9 s on PostgreSQL; some
450 tests ask for it. A test shares its module's region when it runs in a transaction that is
rolled back (not a transactional test, which empties the database) and nothing it sets up
before `region` could change what is built (a frozen clock, a user made first)."""

import pytest
from django.db.models import Model

SHARED_REGION = "_shared_region"


def module_region(build):
    """A `region` fixture built by `build()` (a dict of model instances, or of lists of them),
    once per test module where it can be (`_shared_region`: tests that share it run in a
    savepoint inside the module's transaction), else for the test. Either way each test gets
    instances of its own, read afresh: what a test changes in them stays in that test."""

    def region(request, db):
        if SHARED_REGION in request.fixturenames:
            return _fresh(request.getfixturevalue(SHARED_REGION))
        return build()

    BUILDERS[region] = build
    return pytest.fixture(region, name="region")


BUILDERS = {}  # the function of each `module_region()` fixture: its builder
MODULE_BUILDERS = {}  # test module name: the builder of the region its tests share


def _fresh(value):
    """`value` (a built region) with each model instance read again from the database."""
    if isinstance(value, dict):
        return {key: _fresh(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_fresh(item) for item in value)
    if isinstance(value, Model):
        return type(value)._default_manager.get(pk=value.pk)
    return value


# Fixtures that may come before `region` without changing what it builds: those that only
# patch the test's own view of the world (a logged-in client, the mailbox, the cache cleared).
HARMLESS_BEFORE_REGION = {
    "request",
    "db",
    "_django_db_helper",
    "django_db_setup",
    "django_db_blocker",
    "django_db_modify_db_settings",
    "django_db_modify_db_settings_parallel_suffix",
    "django_db_modify_db_settings_tox_suffix",
    "django_db_modify_db_settings_xdist_suffix",
    "django_db_use_migrations",
    "django_db_keepdb",
    "django_db_createdb",
    "django_test_environment",
    "monkeypatch",
    "_fresh_cache",
    "_force_login_passes_two_factor",
    "_live_server_helper",
    "_template_string_if_invalid_marker",
    "_django_set_urlconf",
    "_django_isolate_apps",
    "_django_db_marker",
    "_django_clear_site_cache",
    "_dj_autoclear_mailbox",
    "_django_setup_unittest",
    "_session_faker",
    "_fail_for_invalid_template_variable",
    "client",
    "rf",
    "pytestconfig",
    "tmp_path",
    "tmp_path_factory",
    "settings",  # a wrapper: what a test changes with it, it changes after its fixtures
}


def shares_region(item):
    """Whether `item` can take the module's region: its `region` is a `module_region()`, it
    runs in a transaction that is rolled back (not a transactional test, which empties the
    database), and nothing it sets up before `region` could change what `region` builds (a
    frozen clock, a user made first)."""
    names = getattr(item, "fixturenames", ())
    if "region" not in names:
        return False
    definitions = item._fixtureinfo.name2fixturedefs
    regions = definitions.get("region", ())
    build = BUILDERS.get(regions[-1].func) if regions else None
    if build is None:
        return False  # a region fixture of another kind (the browser tests' own)
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    if transactional:
        return False
    if {"transactional_db", "live_server", "django_db_reset_sequences"} & set(names):
        return False
    before = {
        name
        for name in names[: names.index("region")]
        if not _needs_region(name, definitions, set())
    }
    if not before <= HARMLESS_BEFORE_REGION:
        return False
    # One region a module: where its tests see different ones (a class's own), the first.
    return MODULE_BUILDERS.setdefault(item.module.__name__, build) is build


def _needs_region(name, definitions, seen):
    """Whether fixture `name` asks for `region`, itself or through another (then it is set
    up after `region`, whatever its place in the test's list of fixtures)."""
    if name == "region":
        return True
    if name in seen or name not in definitions:
        return False
    seen.add(name)
    return any(_needs_region(arg, definitions, seen) for arg in definitions[name][-1].argnames)


def order(items):
    """In each module's run of tests (pytest-django has put the transactional ones last), the
    tests that share the module's region go after those that do not, and ask for it first:
    the region's transaction is open from the first of them to the module's end, so no test
    that expects an empty database runs inside it."""
    ordered, start = [], 0
    for end in range(1, len(items) + 1):
        if end == len(items) or items[end].module is not items[start].module:
            run = items[start:end]
            sharing = [item for item in run if shares_region(item)]
            shared = {id(item) for item in sharing}
            ordered += [item for item in run if id(item) not in shared] + sharing
            for item in sharing:
                item.fixturenames.insert(0, SHARED_REGION)
            start = end
    items[:] = ordered
