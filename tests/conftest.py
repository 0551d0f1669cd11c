import uuid

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from wagtail.models import Page

from . import factories, shared_region, site_content
from .shared_region import module_region


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


# The regional organization, a territorial one and one of its primaries, each with a site
# built by the platform's own site builder.
region = module_region(site_content.build_small_region)


@pytest.fixture(scope="module")
def _shared_region(request, django_db_setup, django_db_blocker):
    """The region of a `module_region()` fixture, built once for the module's tests that share
    it (`pytest_collection_modifyitems`) in a transaction of its own: each test runs in a
    savepoint inside it, rolled back after the test as always, and the region is rolled back
    after the module's last test. Onboarding the root `region`'s four sites cost ~0.6 s
    (SQLite) to ~0.9 s (PostgreSQL) in each of some 450 tests."""
    build = shared_region.MODULE_BUILDERS[request.module.__name__]
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
    try:
        with django_db_blocker.unblock():
            built = build()
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    shared_region.order(items)


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
