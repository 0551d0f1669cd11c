"""User accounts: who may manage whose account, and when an e-mail address may match one.

Regional admins manage editors' accounts, never a superuser's or another regional admin's
(their own included), never grant superuser rights or any group but an organization's editors.
Wagtail's user views let anyone with `change_user` do all of that, so its user viewset and bulk
actions are replaced here.

An e-mail address identifies an account (onboarding reuses the account of a registry address)
only once it is proven: set by the platform itself from the registry, or confirmed through a
link sent to it. An address typed into a form proves nothing until its link is followed.
"""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from wagtail.users import forms as user_forms
from wagtail.users.views import users as user_views
from wagtail.users.views.bulk_actions.assign_role import AssignRoleBulkAction
from wagtail.users.views.bulk_actions.delete import DeleteBulkAction
from wagtail.users.views.bulk_actions.set_active_state import SetActiveStateBulkAction

from sites.network.roles import is_network_admin

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
