"""User accounts: who may manage whose account, and when an e-mail address may match one.

Regional admins manage editors' accounts, never a superuser's or another regional admin's
(their own included), never grant superuser rights or any group but an organization's editors.
Wagtail's user views let anyone with `change_user` do all of that, so its user viewset and bulk
actions are replaced here.

An e-mail address identifies an account (onboarding reuses the account of a registry address)
only once it is proven: set by the platform itself from the registry, or confirmed through a
link sent to it. An address typed into a form proves nothing until its link is followed.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils.timezone import now
from django.views.decorators.cache import never_cache
from wagtail.users import forms as user_forms
from wagtail.users.views import users as user_views
from wagtail.users.views.bulk_actions.assign_role import AssignRoleBulkAction
from wagtail.users.views.bulk_actions.delete import DeleteBulkAction
from wagtail.users.views.bulk_actions.set_active_state import SetActiveStateBulkAction

from sites.accounts.models import ProvenEmail
from sites.network.roles import is_network_admin

CONFIRMATION_SALT = "profsites.email-confirmation"
CONFIRMATION_MAX_AGE = 3 * 24 * 3600  # the link works for three days

# Who may manage whom ---------------------------------------------------------------------------


def may_manage_account(actor, target):
    """Superusers manage every account; anyone else with the user rights (regional admins)
    only accounts that are neither superusers nor network admins, their own included."""
    if actor.is_superuser:
        return True
    return not (target.is_superuser or is_network_admin(target))


def assignable_groups(actor):
    """The groups `actor` may put an account into: every group for superusers, otherwise the
    organizations' editors' groups only (never the regional admins' or Wagtail's own groups,
    which hold rights over every site)."""
    if actor.is_superuser:
        return Group.objects.all()
    return Group.objects.filter(organization__isnull=False)


class ScopedGroupsMixin:
    """The user forms as a non-superuser sees them: no «Administrator» box, only assignable
    groups offered, and groups the actor may not assign kept as they were on save."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_user = for_user
        if for_user is None or for_user.is_superuser:
            return
        self.fields.pop("is_superuser", None)
        if "groups" in self.fields:
            self.fields["groups"].queryset = assignable_groups(for_user).order_by("name")

    def _save_m2m(self):
        # Wagtail's form sets the groups to those ticked: add back those not offered.
        kept = []
        if self.for_user is not None and not self.for_user.is_superuser:
            kept = list(self.instance.groups.exclude(pk__in=assignable_groups(self.for_user)))
        super()._save_m2m()
        if kept:
            self.instance.groups.add(*kept)


class UserCreationForm(ScopedGroupsMixin, user_forms.UserCreationForm):
    pass


class UserEditForm(ScopedGroupsMixin, user_forms.UserEditForm):
    pass


class ForUserFormMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}


class CreateView(ForUserFormMixin, user_views.CreateView):
    pass


class ManagedAccountMixin:
    """Refuse, before anything is shown, an account the user may not manage."""

    def dispatch(self, request, *args, **kwargs):
        if not may_manage_account(request.user, self.get_object()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class EditView(ManagedAccountMixin, ForUserFormMixin, user_views.EditView):
    pass


class DeleteView(ManagedAccountMixin, user_views.DeleteView):
    pass


class UserViewSet(user_views.UserViewSet):
    add_view_class = CreateView
    edit_view_class = EditView
    delete_view_class = DeleteView

    def get_form_class(self, for_update=False):
        return UserEditForm if for_update else UserCreationForm


# Bulk actions on the user listing: the same rules per selected account.


class ManagedAccountsOnlyMixin:
    def check_perm(self, obj):
        return super().check_perm(obj) and may_manage_account(self.request.user, obj)


class ScopedAssignRoleBulkAction(ManagedAccountsOnlyMixin, AssignRoleBulkAction):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["role"].queryset = assignable_groups(self.request.user)
        return form


class ScopedSetActiveStateBulkAction(ManagedAccountsOnlyMixin, SetActiveStateBulkAction):
    pass


class ScopedDeleteBulkAction(ManagedAccountsOnlyMixin, DeleteBulkAction):
    pass


USER_BULK_ACTIONS = [
    ScopedAssignRoleBulkAction,
    ScopedSetActiveStateBulkAction,
    ScopedDeleteBulkAction,
]


# Proven e-mail addresses --------------------------------------------------------------------


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
