"""Two-factor sign-in to the admin (sites/accounts/twofactor.py), through the real login form: the
password at /admin/login/, then the 2FA pages, with codes computed from the device's key as
an authenticator app computes them."""

import base64
import re
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db.models import F
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sites.network.roles import REGIONAL_ADMINS

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
LOGOUT = "/admin/logout/"
VERIFY = "/admin/2fa/verify/"
SETUP = "/admin/2fa/setup/"
OVERVIEW = "/admin/2fa/"
CODES = "/admin/2fa/recovery-codes/"
DISABLE = "/admin/2fa/disable/"
PAGES = "/admin/pages/"
PASSWORD = "Vhod-v-adminku-2026!"


def make_user(username, *, superuser=False, group=None):
    User = get_user_model()
    if superuser:
        return User.objects.create_superuser(username, f"{username}@example.org", PASSWORD)
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
    if group is not None:
        user.groups.add(group)
    return user


@pytest.fixture
def regional_admin():
    return make_user("regional", group=Group.objects.get(name=REGIONAL_ADMINS))


@pytest.fixture
def superuser():
    return make_user("root", superuser=True)


@pytest.fixture
def editor(region):
    """An editor of a primary organization's site, as onboarding makes them."""
    return make_user("teacher", group=region["primary"].editors_group)


def sign_in(client, user, password=PASSWORD, next_url="/admin/"):
    return client.post(
        LOGIN, {"username": user.get_username(), "password": password, "next": next_url}
    )


def sign_out(client):
    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert client.get("/admin/").url.startswith(LOGIN)


def app_code(device):
    """The code the authenticator app shows now. django-otp accepts each time step once: when
    the current one is spent (the same half-minute as an earlier sign-in), the next step's,
    which the device accepts too (a tolerance of one step)."""
    device.refresh_from_db()
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if generator.t() <= device.last_t:
        generator.time = time.time() + device.step * (device.last_t + 1 - generator.t())
    return f"{generator.token():0{device.digits}d}"


def wrong_code(device):
    """Six digits that no step within the device's tolerance produces."""
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = time.time()
    valid = set()
    for offset in range(-3, 4):
        generator.time = now + offset * device.step
        valid.add(f"{generator.token():06d}")
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def forgive_throttle(device):
    """django-otp waits 1, 2, 4… seconds after each wrong code: move the failure back in time."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=F("throttling_failure_timestamp") - timedelta(minutes=5)
    )


def set_up(client, user):
    """Signed in with the password (and owing nothing else), enable 2FA through the set-up
    page; returns the confirmed device and the recovery codes shown."""
    page = client.get(SETUP)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(
        SETUP, {"code": f"{totp(device.bin_key):06d}", "password": PASSWORD, "next": "/admin/"}
    )
    assert done.status_code == 200, done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    return device, done.context["codes"]


def redirected_to(response, url):
    return response.status_code == 302 and response.url.split("?")[0] == url


def lets_in(client, url=PAGES):
    """The page list opens (for an editor, after Wagtail's own redirect to their site)."""
    response = client.get(url, follow=True)
    final = response.redirect_chain[-1][0] if response.redirect_chain else url
    return response.status_code == 200 and final.startswith(url)


# Regional admins and superusers must use it ----------------------------------------------


def test_regional_admin_without_a_device_is_kept_on_the_setup_page(client, regional_admin):
    response = sign_in(client, regional_admin)
    assert response.status_code == 302 and response.url == "/admin/"
    home = client.get("/admin/")
    assert redirected_to(home, SETUP)
    pages = client.get(PAGES)
    assert redirected_to(pages, SETUP)
    assert pages.url == f"{SETUP}?next=%2Fadmin%2Fpages%2F"
    for url in ("/admin/account/", OVERVIEW, "/admin/users/", "/admin/images/"):
        assert redirected_to(client.get(url), SETUP), url
    assert redirected_to(client.post(CODES, {"password": PASSWORD}), SETUP)

    page = client.get(pages.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Подключение двухфакторной аутентификации" in html
    assert "Для вашей роли" in html
    assert 'id="wagtail-sidebar"' not in html, "no menu whose links all lead back here"
    # Logging out stays possible.
    sign_out(client)


def test_setup_shows_the_key_as_an_inline_qr_code_and_as_text(client, regional_admin):
    sign_in(client, regional_admin)
    html = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=regional_admin, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode()
    assert re.search(r"<svg[^>]*>.*</svg>", html, re.S), "the QR code is an inline SVG"
    assert "<img" not in html.split('class="twofactor-qr"')[1].split("</div>")[0]
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html
    assert device.config_url.startswith("otpauth://totp/")
    assert f"secret={secret}" in device.config_url and "issuer=" in device.config_url
    # Reloading shows the same key: what was scanned stays valid until confirmed.
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=regional_admin).count() == 1


def test_regional_admin_sets_up_then_verifies_at_each_sign_in(client, regional_admin):
    sign_in(client, regional_admin)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=regional_admin, confirmed=False)

    refused = client.post(SETUP, {"code": app_code(device), "password": "wrong"})
    assert "Неверный пароль." in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    done = client.post(
        SETUP, {"code": f"{totp(device.bin_key):06d}", "password": PASSWORD, "next": PAGES}
    )
    assert done.status_code == 200
    html = done.content.decode()
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in html for code in codes)
    assert "Двухфакторная аутентификация включена" in html
    assert StaticToken.objects.filter(device__user=regional_admin).count() == 10
    device.refresh_from_db()
    assert device.confirmed
    assert lets_in(client)

    sign_out(client)
    sign_in(client, regional_admin)
    pages = client.get(PAGES)
    assert redirected_to(pages, VERIFY)
    form = client.get(pages.url)
    assert form.status_code == 200
    assert "Код подтверждения входа" in form.content.decode()

    wrong = client.post(VERIFY, {"code": wrong_code(device), "next": PAGES})
    assert wrong.status_code == 200
    assert "Неверный код." in wrong.content.decode()
    assert redirected_to(client.get(PAGES), VERIFY)

    # Right after a wrong code django-otp makes one wait a moment, and says so.
    throttled = client.post(VERIFY, {"code": app_code(device), "next": PAGES})
    assert "Повторите попытку через" in throttled.content.decode()

    forgive_throttle(device)
    right = client.post(VERIFY, {"code": app_code(device), "next": PAGES})
    assert right.status_code == 302 and right.url == PAGES
    assert lets_in(client)


def test_a_recovery_code_works_once_and_only_once(client, regional_admin):
    sign_in(client, regional_admin)
    _, codes = set_up(client, regional_admin)
    sign_out(client)

    sign_in(client, regional_admin)
    typed = codes[0].upper()[:4] + "-" + codes[0].upper()[4:]  # as copied from a printout
    used = client.post(VERIFY, {"code": typed, "next": PAGES}, follow=True)
    assert used.redirect_chain[0] == (PAGES, 302)
    assert "неиспользованных кодов осталось: 9" in used.content.decode()
    assert StaticToken.objects.filter(device__user=regional_admin).count() == 9
    sign_out(client)

    sign_in(client, regional_admin)
    again = client.post(VERIFY, {"code": codes[0], "next": PAGES})
    assert again.status_code == 200
    assert "Неверный код." in again.content.decode()
    assert redirected_to(client.get(PAGES), VERIFY)


def test_superuser_likewise(client, superuser):
    sign_in(client, superuser)
    assert redirected_to(client.get(PAGES), SETUP)
    device, _ = set_up(client, superuser)
    assert lets_in(client)
    sign_out(client)

    sign_in(client, superuser)
    assert redirected_to(client.get("/admin/"), VERIFY)
    wrong = client.post(VERIFY, {"code": wrong_code(device)})
    assert "Неверный код." in wrong.content.decode()
    forgive_throttle(device)
    assert client.post(VERIFY, {"code": app_code(device)}).url == "/admin/"
    assert lets_in(client)


def test_regional_admin_cannot_switch_it_off_but_can_renew_codes(client, regional_admin):
    sign_in(client, regional_admin)
    device, old_codes = set_up(client, regional_admin)

    overview = client.get(OVERVIEW).content.decode()
    assert "Включена." in overview and "Неиспользованных кодов восстановления: 10" in overview
    assert DISABLE not in overview
    refused = client.post(
        DISABLE, {"password": PASSWORD, "code": app_code(device)}, follow=True
    ).content.decode()
    assert "отключить её нельзя" in refused
    assert TOTPDevice.objects.filter(user=regional_admin, confirmed=True).exists()

    assert "Неверный пароль." in client.post(CODES, {"password": "wrong"}).content.decode()
    renewed = client.post(CODES, {"password": PASSWORD})
    new_codes = renewed.context["codes"]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    sign_out(client)

    sign_in(client, regional_admin)
    assert "Неверный код." in client.post(VERIFY, {"code": old_codes[1]}).content.decode()
    StaticDevice.objects.filter(user=regional_admin).update(throttling_failure_timestamp=None)
    assert client.post(VERIFY, {"code": new_codes[1]}).status_code == 302


def test_a_new_phone_replaces_the_old_one(client, regional_admin):
    sign_in(client, regional_admin)
    old, _ = set_up(client, regional_admin)
    page = client.get(SETUP).content.decode()
    assert "прежнее перестанет работать" in page
    assert 'id="wagtail-sidebar"' in page, "past the second factor: the admin's own layout"
    new, codes = set_up(client, regional_admin)
    assert new.pk != old.pk
    assert list(TOTPDevice.objects.filter(user=regional_admin)) == [new]
    assert lets_in(client), "the session stays verified"


# Editors are offered it ------------------------------------------------------------------


def test_editor_without_a_device_gets_straight_in_and_sees_the_offer(client, editor):
    sign_in(client, editor)
    assert lets_in(client)
    account = client.get("/admin/account/").content.decode()
    assert "Двухфакторная аутентификация" in account and f'href="{OVERVIEW}"' in account
    overview = client.get(OVERVIEW)
    assert overview.status_code == 200
    html = overview.content.decode()
    assert "Включить двухфакторную аутентификацию" in html
    assert 'id="wagtail-sidebar"' in html


def test_editor_who_set_it_up_must_verify_and_may_switch_it_off(client, editor):
    sign_in(client, editor)
    device, _ = set_up(client, editor)
    sign_out(client)

    sign_in(client, editor)
    assert redirected_to(client.get(PAGES), VERIFY)
    assert client.post(VERIFY, {"code": app_code(device)}).status_code == 302
    assert lets_in(client)

    wrong_password = client.post(DISABLE, {"password": "wrong", "code": app_code(device)})
    assert "Неверный пароль." in wrong_password.content.decode()
    wrong = client.post(DISABLE, {"password": PASSWORD, "code": wrong_code(device)})
    assert "Неверный код." in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=editor).exists()
    forgive_throttle(device)
    off = client.post(DISABLE, {"password": PASSWORD, "code": app_code(device)}, follow=True)
    assert "Двухфакторная аутентификация отключена." in off.content.decode()
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert not StaticDevice.objects.filter(user=editor).exists()
    sign_out(client)

    sign_in(client, editor)
    assert lets_in(client)


# Odd input, the public sites, the operators' reset ---------------------------------------


def test_odd_input_gets_a_russian_answer_not_an_error(client, regional_admin):
    sign_in(client, regional_admin)
    device, _ = set_up(client, regional_admin)
    sign_out(client)
    sign_in(client, regional_admin)

    for data, message in (
        ({"code": ""}, "Введите код."),
        ({"code": "9" * 500}, "Неверный код."),
        ({"code": "<script>", "device": "otp_totp.totpdevice/999"}, "Неверный код."),
        ({"code": "12 34 56 78"}, "Неверный код."),
    ):
        StaticDevice.objects.update(throttling_failure_timestamp=None)
        response = client.post(VERIFY, data)
        assert response.status_code == 200, data
        assert message in response.content.decode(), data
    assert (
        client.get(VERIFY, {"device": "auth.user/1", "next": "//evil.example/"}).status_code == 200
    )
    forgive_throttle(device)
    # A next address elsewhere is not followed.
    answer = client.post(VERIFY, {"code": app_code(device), "next": "https://evil.example/"})
    assert answer.status_code == 302 and answer.url == "/admin/"

    # A session naming a device that no longer exists (or nothing sensible) is simply unverified.
    for stale in ("otp_totp.totpdevice/999999", "nonsense", "otp_static.staticdevice/x"):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = stale
        session.save()
        assert redirected_to(client.get(PAGES), VERIFY), stale


def test_the_public_sites_are_unaffected(client, regional_admin, region):
    sign_in(client, regional_admin)
    assert redirected_to(client.get(PAGES), SETUP)
    site = region["territorial"].site
    public = client.get("/", HTTP_HOST=site.hostname)
    assert public.status_code == 200


def test_reset_2fa_removes_the_device_and_the_codes(client, regional_admin, capsys):
    sign_in(client, regional_admin)
    set_up(client, regional_admin)
    assert lets_in(client)

    call_command("reset_2fa", "regional")
    assert "сброшена" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=regional_admin).exists()
    assert not StaticDevice.objects.filter(user=regional_admin).exists()
    # The open session is no longer verified: back to the set-up.
    assert redirected_to(client.get(PAGES), SETUP)

    call_command("reset_2fa", "regional")
    assert "не включена" in capsys.readouterr().out
    with pytest.raises(CommandError, match="не найден"):
        call_command("reset_2fa", "nobody")


# The wiring ------------------------------------------------------------------------------


def test_settings_wire_django_otp_and_axes_in_the_documented_order():
    middleware = settings.MIDDLEWARE
    auth = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert middleware[auth + 1] == "django_otp.middleware.OTPMiddleware"
    assert "sites.accounts.twofactor.TwoFactorMiddleware" in middleware[auth + 2 :]
    assert middleware[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_force_login_sessions_count_as_verified_in_other_tests(client, superuser, editor):
    """The fixture in tests/conftest.py: other tests' force_login'd admins are let in."""
    client.force_login(superuser)
    assert lets_in(client)
    client.force_login(editor)
    assert lets_in(client)
    assert not TOTPDevice.objects.filter(user=editor).exists(), "editors get no device"
