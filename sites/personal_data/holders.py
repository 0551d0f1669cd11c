"""Where the platform keeps a person's data by e-mail address, and erasing them everywhere.

Each app that keeps personal data says where with the Wagtail hook `register_personal_data`:
a function returning (label, function of a normalized e-mail address → a queryset of the
rows to erase). This room only gathers them: nothing here knows the apps' models."""

import hashlib

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from wagtail import hooks

from sites.personal_data.models import Erasure

HOOK = "register_personal_data"


def normalized(email):
    """The address as it is looked up, or ValidationError with a message in Russian."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        message = "Введите адрес электронной почты, например ivanova@example.org."
        raise ValidationError(message) from None
    return email


def digest(email):
    return hashlib.sha256(normalized(email).encode()).hexdigest()


def holders():
    return [register() for register in hooks.get_hooks(HOOK)]


def found(email):
    """[(label, queryset)] of the rows that hold `email`, for every holder."""
    email = normalized(email)
    return [(label, finder(email)) for label, finder in holders()]


def counts(email):
    return {label: rows.count() for label, rows in found(email)}


@transaction.atomic
def erase(email, *, user, basis=""):
    """Delete every row that holds `email`, and record that it was done (even when nothing
    was found: the request was answered). All of it or nothing."""
    removed = {}
    for label, rows in found(email):
        removed[label] = rows.count()
        if removed[label]:
            rows.delete()
    return Erasure.objects.create(
        email_digest=digest(email),
        erased_by=user,
        erased_by_name=user.get_username(),
        basis=basis[:500],
        removed=removed,
    )
