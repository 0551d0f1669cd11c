"""Two-factor sign-in to the admin: a code from an authenticator app (TOTP) or a one-time
recovery code, on django-otp (its `otp_totp` and `otp_static` plugins).

- Superusers and regional admins (`roles.is_network_admin`) must use it: after the password,
  those with a confirmed device enter a code at /admin/2fa/verify/; those without one are sent
  to /admin/2fa/setup/ and reach nothing else in the admin (logging out stays possible).
- Editors are offered it (an item on their account page); once they have a confirmed device,
  it is required for them too, and they may switch it off again with password and code.
- The public sites are not concerned: the middleware looks at admin paths only.

The user never names a device: the views look up the signed-in user's own devices, so no
identifier from a request reaches django-otp's `Device.from_persistent_id`."""

import base64
import math
import re
from urllib.parse import urlencode

import segno
from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import Resolver404, path, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail import hooks

from sites.network.roles import is_network_admin

RECOVERY_CODES = 10
APP_DEVICE_NAME = "Приложение-аутентификатор"
RECOVERY_DEVICE_NAME = "Коды восстановления"
TOTP_CODE = re.compile(r"\d{6}")

# Admin pages a signed-in user who still owes the second factor may open.
OPEN_URL_NAMES = {
    "twofactor_verify",
    "twofactor_setup",
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
}

WRONG_CODE = (
    "Неверный код. Введите 6 цифр, которые приложение показывает сейчас, "
    "или один из кодов восстановления."
)
WRONG_APP_CODE = "Неверный код. Введите 6 цифр, которые приложение показывает сейчас."
WRONG_PASSWORD = "Неверный пароль."  # noqa: S105 (a message, not a password)


def needs_two_factor(user):
    """Whether this user must pass the second factor: by role, or because they set it up."""
    return is_network_admin(user) or user_has_device(user)


def _is_verified(user):
    return getattr(user, "is_verified", lambda: False)()


def owes_second_factor(user):
    """Signed in with the password but not yet with the code (or not set up, for a role that
    must): such a session is trusted with nothing its user's rights would grant."""
    return user.is_authenticated and not _is_verified(user) and needs_two_factor(user)


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware: a signed-in admin user who owes the second factor is
    sent to the code form (or, without a device, to the set-up) from every other admin page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.detour(request) or self.get_response(request)

    def detour(self, request):
        if not request.path_info.startswith(reverse("wagtailadmin_home")):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _is_verified(user):
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        name = match.url_name or ""
        if name in OPEN_URL_NAMES or name.startswith("wagtailadmin_password_reset"):
            return None
        has_device = user_has_device(user)
        if not has_device and not is_network_admin(user):
            return None
        target = "twofactor_verify" if has_device else "twofactor_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


# Forms -----------------------------------------------------------------------------------


def _code_field(label, help_text):
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
        error_messages={"required": "Введите код.", "max_length": WRONG_CODE},
    )


def _password_field():
    return forms.CharField(
        label="Ваш пароль",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Введите пароль."},
    )


class VerifyForm(forms.Form):
    code = _code_field("Код", "6 цифр из приложения-аутентификатора или код восстановления.")


class SetupForm(forms.Form):
    code = _code_field("Код из приложения", "6 цифр, которые приложение показывает сейчас.")
    password = _password_field()


class PasswordForm(forms.Form):
    password = _password_field()


class DisableForm(forms.Form):
    password = _password_field()
    code = _code_field("Код", "6 цифр из приложения-аутентификатора или код восстановления.")


# Codes -----------------------------------------------------------------------------------


def normalize(code):
    return "".join(code.split()).replace("-", "").lower()


def _throttled(info):
    locked_until = (info or {}).get("locked_until")
    if locked_until is None:
        return "Слишком много неверных кодов подряд. Повторите попытку позже."
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    return f"Слишком много неверных кодов подряд. Повторите попытку через {seconds} сек."


def check_code(devices, code, wrong=WRONG_CODE):
    """Try `code` on each of `devices` (a queryset of the user's own devices), row-locked so
    that two requests cannot both spend one code. Returns (device, None) or (None, error)."""
    with transaction.atomic():
        for device in devices.select_for_update().order_by("pk"):
            allowed, info = device.verify_is_allowed()
            if not allowed:
                return None, _throttled(info)
            if device.verify_token(code):
                return device, None
    return None, wrong


def check_any_code(user, raw):
    """A code from the app (6 digits) or a recovery code, for a confirmed device of `user`."""
    code = normalize(raw)
    if TOTP_CODE.fullmatch(code):
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    return check_code(devices, code)


def new_recovery_codes(user):
    """Replace the user's recovery codes with RECOVERY_CODES new ones and return them. The
    device stays the same, so a session verified with a recovery code stays verified."""
    with transaction.atomic():
        device = StaticDevice.objects.filter(user=user).order_by("pk").first()
        if device is None:
            device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
        device.token_set.all().delete()
        codes = set()
        while len(codes) < RECOVERY_CODES:
            codes.add(StaticToken.random_token())
        codes = sorted(codes)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def remove_devices(user):
    """Delete every second-factor device of `user`, recovery codes included; how many."""
    _, apps = TOTPDevice.objects.filter(user=user).delete()
    _, static = StaticDevice.objects.filter(user=user).delete()
    return apps.get(TOTPDevice._meta.label, 0) + static.get(StaticDevice._meta.label, 0)


def _mark_verified(request, device):
    otp_login(request, device)
    # A new session key for the more privileged session, as Django's login does.
    request.session.cycle_key()


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("wagtailadmin_home")


def _with_next(name, request):
    target = request.POST.get("next") or request.GET.get("next")
    url = reverse(name)
    return f"{url}?{urlencode({'next': target})}" if target else url


def _base_template(request):
    """Inside the admin (sidebar and all) once past the second factor or when none is owed;
    the sign-in page's layout while it is still owed."""
    user = request.user
    if _is_verified(user) or not needs_two_factor(user):
        return "sites/accounts/twofactor/inside.html"
    return "sites/accounts/twofactor/outside.html"


def _render(request, template, title, context, status=200):
    context = {"base_template": _base_template(request), "title": title, **context}
    response = TemplateResponse(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    return response


# Views -----------------------------------------------------------------------------------


def verify(request):
    user = request.user
    if _is_verified(user):
        return redirect(_next_url(request))
    if not user_has_device(user):
        if is_network_admin(user):
            return redirect(_with_next("twofactor_setup", request))
        return redirect(_next_url(request))
    form = VerifyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device, error = check_any_code(user, form.cleaned_data["code"])
        if device is not None:
            _mark_verified(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    f"Вы вошли по коду восстановления; неиспользованных кодов осталось: {left}. "
                    "Новые коды можно получить в разделе «Двухфакторная аутентификация».",
                )
            return redirect(_next_url(request))
        form.add_error("code", error)
    return _render(
        request,
        "sites/accounts/twofactor/verify.html",
        "Код подтверждения входа",
        {"form": form, "next": _next_url(request)},
    )


def setup(request):
    user = request.user
    if user_has_device(user) and not _is_verified(user):
        return redirect(_with_next("twofactor_verify", request))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    form = SetupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        code = normalize(form.cleaned_data["code"])
        if not user.check_password(form.cleaned_data["password"]):
            form.add_error("password", WRONG_PASSWORD)
        elif not TOTP_CODE.fullmatch(code):
            form.add_error("code", WRONG_APP_CODE)
        else:
            confirmed, error = check_code(
                TOTPDevice.objects.filter(pk=device.pk, user=user, confirmed=False),
                code,
                wrong=WRONG_APP_CODE,
            )
            if confirmed is None:
                form.add_error("code", error)
            else:
                with transaction.atomic():
                    TOTPDevice.objects.filter(user=user).exclude(pk=confirmed.pk).delete()
                    confirmed.confirmed = True
                    confirmed.save(update_fields=["confirmed"])
                    codes = new_recovery_codes(user)
                _mark_verified(request, confirmed)
                return _render(
                    request,
                    "sites/accounts/twofactor/recovery_codes.html",
                    "Коды восстановления",
                    {"codes": codes, "just_enabled": True, "next": _next_url(request)},
                )
    secret = base64.b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_svg": mark_safe(  # noqa: S308 - segno's own markup, no user input in it
            qr.svg_inline(scale=5, light="#ffffff", title="QR-код для приложения-аутентификатора")
        ),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "replacing": user_has_device(user),
        "required": is_network_admin(user),
    }
    return _render(
        request,
        "sites/accounts/twofactor/setup.html",
        "Подключение двухфакторной аутентификации",
        context,
    )


def overview(request, password_form=None, disable_form=None, status=200):
    user = request.user
    enabled = user_has_device(user)
    static = StaticDevice.objects.filter(user=user, confirmed=True).first()
    context = {
        "enabled": enabled,
        "required": is_network_admin(user),
        "codes_left": static.token_set.count() if static else 0,
        "password_form": password_form or PasswordForm(),
        "disable_form": disable_form or DisableForm(),
    }
    return _render(
        request,
        "sites/accounts/twofactor/overview.html",
        "Двухфакторная аутентификация",
        context,
        status=status,
    )


@require_POST
def regenerate_codes(request):
    user = request.user
    if not user_has_device(user):
        return redirect("twofactor_overview")
    form = PasswordForm(request.POST)
    if form.is_valid():
        if user.check_password(form.cleaned_data["password"]):
            codes = new_recovery_codes(user)
            return _render(
                request,
                "sites/accounts/twofactor/recovery_codes.html",
                "Коды восстановления",
                {"codes": codes},
            )
        form.add_error("password", WRONG_PASSWORD)
    return overview(request, password_form=form)


@require_POST
def disable(request):
    user = request.user
    if is_network_admin(user):
        messages.error(
            request,
            "Для вашей роли двухфакторная аутентификация обязательна: отключить её нельзя.",
        )
        return redirect("twofactor_overview")
    if not user_has_device(user):
        return redirect("twofactor_overview")
    form = DisableForm(request.POST)
    if form.is_valid():
        if not user.check_password(form.cleaned_data["password"]):
            form.add_error("password", WRONG_PASSWORD)
        else:
            device, error = check_any_code(user, form.cleaned_data["code"])
            if device is None:
                form.add_error("code", error)
            else:
                remove_devices(user)
                request.session.pop(DEVICE_ID_SESSION_KEY, None)
                messages.success(request, "Двухфакторная аутентификация отключена.")
                return redirect("twofactor_overview")
    return overview(request, disable_form=form)


# Hooks -----------------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_twofactor_urls():
    return [
        path("2fa/", overview, name="twofactor_overview"),
        path("2fa/verify/", verify, name="twofactor_verify"),
        path("2fa/setup/", setup, name="twofactor_setup"),
        path("2fa/recovery-codes/", regenerate_codes, name="twofactor_recovery_codes"),
        path("2fa/disable/", disable, name="twofactor_disable"),
    ]


@hooks.register("register_account_menu_item")
def twofactor_account_menu_item(request):
    if user_has_device(request.user):
        help_text = "Включена: при входе нужен код из приложения."
    elif is_network_admin(request.user):
        help_text = "Обязательна для вашей роли."
    else:
        help_text = "Вход с кодом из приложения на телефоне: пароля одного будет мало."
    return {
        "url": reverse("twofactor_overview"),
        "label": "Двухфакторная аутентификация",
        "help_text": help_text,
    }
