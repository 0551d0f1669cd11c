"""Editors named for an organization: their accounts (matched only by a proven address) and
the invitation that lets them set a password."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from sites.accounts import emails
from sites.accounts.models import ProvenEmail


def check_emails(emails):
    cleaned = []
    for email in emails:
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(f"Неверный адрес электронной почты: «{email}».") from None
        if email not in cleaned:
            cleaned.append(email)
    return cleaned


def editor_account(email):
    """The account of a registry address: one whose address is proven to be it, or a new one.
    An account that merely claims the address (typed into a form, never confirmed) is not
    reused: it could be anyone's, and the rights go to the address's owner."""
    user = emails.accounts_with_proven_email(email).first()
    if user is not None:
        return user
    user_model = get_user_model()
    username, n = email, 2
    while user_model.objects.filter(username=username).exists():
        username, n = f"{email}-{n}", n + 1
    user = user_model(username=username, email=email, is_active=True)
    user.set_unusable_password()
    user.save()
    emails.prove_email(user, ProvenEmail.Source.REGISTRY)
    return user


def invitation_link(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("wagtailadmin_password_reset_confirm", args=[uid, token])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def send_invitation(user, organization):
    site_url = organization.site.root_url + "/" if organization.site_id else ""
    send_mail(
        subject=f"Приглашение: редактор сайта «{organization.short_name}»",
        message=(
            f"Здравствуйте!\n\nВы назначены редактором сайта организации "
            f"«{organization.short_name}» {site_url}\n\n"
            f"Чтобы задать пароль и войти, откройте ссылку:\n{invitation_link(user)}\n\n"
            f"Ваше имя для входа: {user.get_username()}\n\n"
            "Если вы не ожидали этого письма, просто проигнорируйте его."
        ),
        from_email=None,
        recipient_list=[user.email],
    )
