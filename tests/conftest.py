import uuid

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from wagtail.models import Page

from directory.models import Organization

from . import factories, site_content


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Wagtail caches site root paths; a rolled-back test must not leave its sites behind."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _force_login_passes_two_factor(monkeypatch):
    """`client.force_login(user)` makes a session past the second factor too, as if the user
    had entered their code (sites/accounts/twofactor.py), for those who owe one:
    superusers, regional admins and users with a device get a confirmed device (theirs, or a
    new one) recorded in the session the way `django_otp.login` does. Tests of other features
    log in that way; tests of the sign-in itself (tests/accounts/test_twofactor.py) go through
    the login form."""
    from django.test.client import ClientMixin
    from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sites.accounts.twofactor import needs_two_factor

    force_login = ClientMixin.force_login

    def force_login_past_two_factor(self, user, backend=None):
        force_login(self, user, backend)
        if not needs_two_factor(user):
            return
        device = next(devices_for_user(user), None) or TOTPDevice.objects.create(
            user=user, name="tests", confirmed=True
        )
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(ClientMixin, "force_login", force_login_past_two_factor)


@pytest.fixture
def root_page(db):
    return Page.get_first_root_node()


@pytest.fixture
def site_for(db):
    """`site_for(organization, hostname)`: a home page, a Site and the registry link."""
    return factories.site_for


@pytest.fixture
def regional(db):
    return factories.regional_organization()


def _user_in_group(django_user_model, username, group_name, permissions):
    group = Group.objects.create(name=group_name)
    for codename in permissions:
        app_label, codename = codename.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    user = django_user_model.objects.create_user(username=username, password="password")
    user.groups.add(group)
    return user


@pytest.fixture
def registry_admin(db, django_user_model):
    """Someone with the registry's model permissions and nothing else (the real regional
    admins' group, sites/network/roles.py, has these and more)."""
    return _user_in_group(
        django_user_model,
        "registry-admin",
        "Ведение реестра",
        [
            "wagtailadmin.access_admin",
            "directory.add_organization",
            "directory.change_organization",
            "directory.delete_organization",
            "directory.view_organization",
        ],
    )


@pytest.fixture
def editor(db, django_user_model):
    """An editor: into the admin, but no rights on the registry."""
    return _user_in_group(django_user_model, "editor", "Редакторы", ["wagtailadmin.access_admin"])


@pytest.fixture
def registry_admin_client(client, registry_admin):
    client.force_login(registry_admin)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def region(request, db):
    """The regional organization, a territorial one and one of its primaries, each with a site
    built by the platform's own site builder. Built once per test module where it can be
    (`_shared_region`), else for the test; either way each test gets its own instances."""
    if SHARED_REGION in request.fixturenames:
        shared = request.getfixturevalue(SHARED_REGION)
        fresh = Organization.objects.in_bulk(shared.values())
        return {key: fresh[pk] for key, pk in shared.items()}
    return site_content.build_small_region()


SHARED_REGION = "_shared_region"


@pytest.fixture(scope="module")
def _shared_region(django_db_setup, django_db_blocker):
    """{key: primary key} of `region`'s organizations, built once for the module's tests that
    share it (`pytest_collection_modifyitems`) in a transaction of its own: each test runs in
    a savepoint inside it, rolled back after the test as always, and the region is rolled back
    after the module's last test. Onboarding four sites cost ~0.6 s (SQLite) to ~0.9 s
    (PostgreSQL) in each of some 450 tests."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = site_content.build_small_region()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield {key: organization.pk for key, organization in built.items()}
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


# Fixtures that may come before `region` without changing what it builds: those that only
# patch the test's own view of the world (a logged-in client, the mailbox, the cache cleared).
_HARMLESS_BEFORE_REGION = {
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


def _shares_region(item):
    """Whether `item` can take the module's region: it asks for the root conftest's `region`,
    runs in a transaction that is rolled back (not a transactional test, which empties the
    database), and nothing it sets up before `region` could change what `region` builds (a
    frozen clock, settings)."""
    names = getattr(item, "fixturenames", ())
    if "region" not in names:
        return False
    definitions = item._fixtureinfo.name2fixturedefs.get("region", ())
    if not definitions or definitions[-1].func.__module__ != __name__:
        return False  # another conftest's region (the browser tests' own)
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    if transactional:
        return False
    if {"transactional_db", "live_server", "django_db_reset_sequences"} & set(names):
        return False
    definitions = item._fixtureinfo.name2fixturedefs
    before = {
        name
        for name in names[: names.index("region")]
        if not _needs_region(name, definitions, set())
    }
    return before <= _HARMLESS_BEFORE_REGION


def _needs_region(name, definitions, seen):
    """Whether fixture `name` asks for `region`, itself or through another (then it is set
    up after `region`, whatever its place in the test's list of fixtures)."""
    if name == "region":
        return True
    if name in seen or name not in definitions:
        return False
    seen.add(name)
    return any(_needs_region(arg, definitions, seen) for arg in definitions[name][-1].argnames)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """In each module's run of tests (pytest-django has put the transactional ones last), the
    tests that share the module's region go after those that do not, and build it first: the
    region's transaction is open from the first of them to the module's end, so no test that
    expects an empty database runs inside it."""
    ordered, start = [], 0
    for end in range(1, len(items) + 1):
        if end == len(items) or items[end].module is not items[start].module:
            run = items[start:end]
            sharing = [item for item in run if _shares_region(item)]
            shared = {id(item) for item in sharing}
            ordered += [item for item in run if id(item) not in shared] + sharing
            for item in sharing:
                item.fixturenames.insert(0, SHARED_REGION)
            start = end
    items[:] = ordered


@pytest.fixture(params=["process-local cache", "Redis"])
def any_cache(request, settings, monkeypatch):
    """Each test using it twice: with the tests' process-local cache, and with Redis as in
    production, where more is kept between page views (home.kept.shared_cache). With Redis,
    every key of the test is its own (a prefix, and a generation key, of its own): test runs
    on the same Redis at the same time (CI runs PostgreSQL's and SQLite's) never meet."""
    from django.core.cache import cache

    from home import kept

    if request.param == "Redis":
        import redis

        try:
            redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
        except redis.exceptions.ConnectionError:
            pytest.skip("no Redis on 127.0.0.1:6379")
        prefix = f"test-{uuid.uuid4().hex}"
        settings.CACHES = {
            "default": {
                "BACKEND": "sites.outage.cache.ForgivingRedisCache",
                "LOCATION": "redis://127.0.0.1:6379/9",
                "KEY_PREFIX": prefix,
                "TIMEOUT": 600,
            },
            "renditions": {  # as in production (sites/settings/base.py)
                "BACKEND": "sites.outage.cache.RenditionsCache",
                "LOCATION": "redis://127.0.0.1:6379/9",
                "KEY_PREFIX": prefix,
            },
        }
        monkeypatch.setattr(kept, "GENERATION_KEY", f"{prefix}:generation")
    else:
        cache.clear()
    yield request.param
    if request.param != "Redis":
        cache.clear()
