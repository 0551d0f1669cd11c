"""Proven e-mail addresses. An address identifies an account (onboarding reuses the account of
a registry address) only once it is proven: set by the platform itself from the registry, or
confirmed through a link sent to it. An address typed into a form proves nothing until then."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils.timezone import now
from django.views.decorators.cache import never_cache

from sites.accounts.models import ProvenEmail

CONFIRMATION_SALT = "profsites.email-confirmation"
CONFIRMATION_MAX_AGE = 3 * 24 * 3600  # the link works for three days


def email_is_proven(user):
    """Has the account's current address been proven (set from the registry or confirmed)?"""
    if not user.email:
        return False
    proof = ProvenEmail.objects.filter(user=user).first()
    return proof is not None and proof.email.lower() == user.email.lower()


def prove_email(user, source):
    ProvenEmail.objects.update_or_create(
        user=user, defaults={"email": user.email, "source": source, "proven_at": now()}
    )


def accounts_with_proven_email(email):
    """Accounts whose current address is `email`, proven; the oldest first."""
    return (
        get_user_model()
        .objects.filter(email__iexact=email, proven_email__email__iexact=email)
        .order_by("pk")
    )


def confirmation_link(user):
    token = signing.dumps({"user": user.pk, "email": user.email}, salt=CONFIRMATION_SALT)
    path = reverse("confirm_email", args=[token])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def send_confirmation(user_pk):
    """Mail the confirmation link to the account's address, unless it is proven already
    (onboarding proves the addresses it takes from the registry in the same transaction)."""
    user = get_user_model().objects.filter(pk=user_pk).first()
    if user is None or not user.email or email_is_proven(user):
        return
    send_mail(
        subject="Подтвердите адрес электронной почты",
        message=(
            "Здравствуйте!\n\nДля учётной записи "
            f"«{user.get_username()}» на платформе сайтов Профсоюза указан этот адрес.\n\n"
            f"Чтобы подтвердить его, откройте ссылку (она действует три дня):\n"
            f"{confirmation_link(user)}\n\n"
            "Если вы не указывали этот адрес, просто проигнорируйте письмо: "
            "без подтверждения он ни к чему не даёт доступа."
        ),
        from_email=None,
        recipient_list=[user.email],
    )


def remember_email(sender, instance, update_fields=None, raw=False, **kwargs):
    """`pre_save` of the user model: note the stored address to compare after the save."""
    instance._email_unchanged = raw or (update_fields is not None and "email" not in update_fields)
    if instance._email_unchanged:
        return
    if instance.pk is None:
        instance._previous_email = None
    else:
        instance._previous_email = (
            sender.objects.filter(pk=instance.pk).values_list("email", flat=True).first()
        )


def confirm_new_email(sender, instance, created, **kwargs):
    """`post_save` of the user model: a new or changed address gets its confirmation link."""
    if getattr(instance, "_email_unchanged", True):
        return
    previous = getattr(instance, "_previous_email", None)
    if not instance.email or (not created and (previous or "").lower() == instance.email.lower()):
        return
    transaction.on_commit(lambda pk=instance.pk: send_confirmation(pk))


@never_cache
def confirm_email(request, token):
    """The link from the confirmation mail: proves the address if it is still the account's."""
    try:
        data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired:
        return _confirmation_page(request, "Срок действия ссылки истёк.", ok=False)
    except signing.BadSignature:
        return _confirmation_page(request, "Ссылка неверна.", ok=False)
    user = get_user_model().objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None or user.email.lower() != str(data.get("email", "")).lower():
        return _confirmation_page(
            request, "Этот адрес больше не указан в учётной записи.", ok=False
        )
    prove_email(user, ProvenEmail.Source.LINK)
    return _confirmation_page(request, f"Адрес {user.email} подтверждён.", ok=True)


def _confirmation_page(request, message, *, ok):
    return render(
        request,
        "sites/accounts/confirm_email.html",
        {"message": message, "ok": ok},
        status=200 if ok else 400,
    )
