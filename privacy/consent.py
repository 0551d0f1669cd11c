"""Consent as an act of its own (152-ФЗ as amended in 2025): every form that collects
personal data gets an unticked box with its own text, naming the operator and the purpose and
linking to the site's policy; the form is refused without it, and each consent given is logged
(`ConsentRecord`) with the text as it was, its version, the time and the client's address.

Also what the public forms share against abuse without third parties: a honeypot field (a
field people never see, which bots fill) and a limit of submissions per address."""

from axes.helpers import get_client_ip_address
from django import forms
from django.core.cache import cache
from django.utils.cache import patch_cache_control
from django.utils.html import format_html

from privacy.models import ConsentRecord

# The consent text's version: change it with `consent_text()`.
CONSENT_VERSION = "1.0 от 7 декабря 2026 г."
CONSENT_FIELD = "consent"
HONEYPOT_FIELD = "website"

# Submissions of public forms from one address: at most LIMIT in WINDOW seconds.
RATE_LIMIT = 5
RATE_WINDOW = 10 * 60


def consent_text(operator, purpose):
    return (
        f"Я даю согласие {operator} на обработку моих персональных данных, указанных в этой "
        f"форме, для цели: {purpose}, на условиях Политики обработки персональных данных. "
        "Согласие действует до его отзыва; отозвать его можно, написав оператору."
    )


def add_consent(form, *, operator, purpose, policy_url=""):
    """Add the consent box to `form` (a Django form): required, never ticked in advance."""
    text = consent_text(operator, purpose)
    label = text
    if policy_url:
        label = format_html('{} (<a href="{}">текст политики</a>)', text, policy_url)
    form.fields[CONSENT_FIELD] = forms.BooleanField(
        label=label,
        required=True,
        initial=False,
        error_messages={
            "required": "Без согласия на обработку персональных данных форму отправить нельзя."
        },
    )
    form.consent_text = text


def protect(form, *, operator, purpose, policy_url=""):
    """What every public form gets: the consent box and the honeypot."""
    add_consent(form, operator=operator, purpose=purpose, policy_url=policy_url)
    add_honeypot(form)


def private(response):
    """An answer to a public form (the form with its errors, the thanks): never kept by the
    page cache, which would show one visitor's answers or token to the next."""
    patch_cache_control(response, private=True, no_cache=True)
    return response


def add_honeypot(form):
    """A field hidden from people (templates/privacy/honeypot.html shows it off screen,
    labelled «не заполняйте»), which bots fill in."""
    form.fields[HONEYPOT_FIELD] = forms.CharField(required=False, label="Не заполняйте это поле")


def is_bot(form):
    return bool(form.data.get(HONEYPOT_FIELD, "").strip())


def client_address(request):
    """The client's IP address, as the sign-in protection reads it (behind a proxy, from the
    header configured for it)."""
    return get_client_ip_address(request) or None


def held_back(request, form, scope):
    """Count this submission from the client's address in `scope`. Past the limit: True, and
    `form` validated and carrying the message in Russian (the view answers 429)."""
    if not _over_limit(request, scope):
        return False
    form.is_valid()
    form.add_error(
        None, "С вашего адреса отправлено слишком много форм. Попробуйте через 10 минут."
    )
    return True


def _over_limit(request, scope):
    """Count this submission from the client's address in `scope`; True past the limit."""
    key = f"form-rate:{scope}:{client_address(request)}"
    cache.add(key, 0, RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two
        cache.set(key, 1, RATE_WINDOW)
        count = 1
    return count > RATE_LIMIT


def record_consent(request, form, *, organization, purpose, page=None, email="", name=""):
    """Log the consent `form` carried (`add_consent()`)."""
    return ConsentRecord.objects.create(
        organization=organization,
        organization_name=organization.name if organization else "",
        purpose=purpose,
        page=page,
        page_title=page.title if page is not None else "",
        url=request.build_absolute_uri(request.path)[:500],
        text_version=CONSENT_VERSION,
        text=form.consent_text,
        email=email or "",
        name=(name or "")[:255],
        ip_address=client_address(request),
    )
