"""Login throttling on the admin's sign-in form (django-axes, settings in sites/settings/base.py):
five failures lock the account and, separately, the address, for AXES_COOLOFF_TIME."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db.models import F
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "Vhod-v-adminku-2026!"
HERE, THERE = "198.51.100.1", "198.51.100.2"
PROXY = "10.0.0.2"
LOCKED = "Вход временно заблокирован"


@pytest.fixture(autouse=True)
def users(db):
    group = Group.objects.create(name="Редакторы")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for username in ("anna", "boris"):
        user = get_user_model().objects.create_user(username, password=PASSWORD)
        user.groups.add(group)


def attempt(username, password=PASSWORD, ip=HERE, client=None, **headers):
    client = client or Client()
    response = client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
        **headers,
    )
    response.signed_in = "_auth_user_id" in client.session
    return response


def fail(times, username="anna", ip=HERE, **headers):
    return [attempt(username, "wrong", ip, **headers) for _ in range(times)]


def admitted(response):
    return response.status_code == 302 and response.signed_in


def locked_out(response):
    return response.status_code == 429 and LOCKED in response.content.decode()


def test_five_failures_lock_the_account_and_the_address():
    first = fail(4)
    assert [r.status_code for r in first] == [200] * 4
    assert not locked_out(first[-1])
    fifth = fail(1)[0]
    assert locked_out(fifth)

    right = attempt("anna")
    assert locked_out(right) and not right.signed_in
    html = right.content.decode()
    assert "Слишком много неудачных попыток входа" in html
    assert "на 15 мин" in html
    assert locked_out(attempt("anna", ip=THERE)), "the account, from anywhere"
    assert locked_out(attempt("boris", ip=HERE)), "the address, for any account"
    assert admitted(attempt("boris", ip=THERE)), "another account from another address"


def test_a_success_forgets_the_failures_before_it():
    fail(4)
    assert admitted(attempt("anna"))
    fail(4)
    assert admitted(attempt("anna"))


def test_axes_reset_username_unlocks_the_account():
    fail(5)
    assert locked_out(attempt("anna"))
    call_command("axes_reset_username", "anna")
    assert admitted(attempt("anna"))


def test_axes_reset_ip_unlocks_the_address():
    fail(5)
    assert locked_out(attempt("boris"))
    call_command("axes_reset_ip", HERE)
    assert admitted(attempt("boris"))


def test_the_lockout_ends_after_the_cool_off():
    cool_off = settings.AXES_COOLOFF_TIME
    assert cool_off == timedelta(minutes=15)
    fail(5)

    def minutes_pass(minutes):
        AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))

    minutes_pass(14)
    assert locked_out(attempt("anna")), "still within the 15 minutes"
    # ...and that attempt started the 15 minutes again.
    minutes_pass(14)
    assert locked_out(attempt("anna", ip=THERE))
    minutes_pass(16)
    assert admitted(attempt("anna"))


@override_settings(AXES_COOLOFF_TIME=timedelta(seconds=30))
def test_the_cool_off_is_a_setting():
    fail(5)
    assert locked_out(attempt("anna"))
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=31))
    assert admitted(attempt("anna"))


def test_without_proxy_settings_a_forwarded_header_is_ignored():
    """The default: the connection's address counts, so changing a header dodges nothing."""
    for n in range(5):
        attempt("anna", "wrong", PROXY, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert locked_out(attempt("boris", ip=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.99"))


@override_settings(
    AXES_IPWARE_META_PRECEDENCE_ORDER=["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
    AXES_IPWARE_PROXY_COUNT=0,
)
def test_behind_a_proxy_the_forwarded_address_counts():
    fail(5, ip=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert admitted(attempt("boris", ip=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.8"))
    assert locked_out(attempt("boris", ip=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7"))
    # A header of another shape than the proxy writes (a client's own X-Forwarded-For kept in
    # front) is not trusted: such requests count under the proxy's address, all together.
    spoofed = {"HTTP_X_FORWARDED_FOR": "192.0.2.50, 203.0.113.7"}
    fail(5, username="boris", ip=PROXY, **spoofed)
    assert AccessAttempt.objects.filter(username="boris", ip_address=PROXY).exists()
    assert locked_out(attempt("boris", ip=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.51, 203.0.113.9"))


def base_settings(**environ):
    """The proxy settings as sites/settings/base.py reads them from this environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AXES_")} | environ
    code = (
        "from sites.settings import base; "
        "print(base.AXES_IPWARE_PROXY_COUNT, base.AXES_IPWARE_META_PRECEDENCE_ORDER)"
    )
    return subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_the_proxy_settings_come_from_the_environment():
    assert base_settings() == "None ['REMOTE_ADDR']"
    assert (
        base_settings(
            AXES_IPWARE_PROXY_COUNT="1",
            AXES_IPWARE_META_PRECEDENCE_ORDER="HTTP_X_FORWARDED_FOR, REMOTE_ADDR",
        )
        == "1 ['HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR']"
    )
