"""«Социальные партнёры» in the admin: each organization's editors keep their own list (name,
kind, contact person, e-mail); network admins see every list. Every view of a partner — the
list, its export, editing, deleting, its history and usage — is scoped to the partners of the
user's own organizations, and the organization of a new one is chosen among those only: an id
of another organization's partner is a 404, another organization in the form is refused."""

from django import forms
from django.utils.functional import cached_property
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from directory.models import Organization
from partners.models import SocialPartner
from sites.network.roles import is_network_admin_once as is_network_admin
from sites.network.roles import own_organizations


def keeps_partners(user):
    """Does `user` keep partners (an editor of an organization, a network admin)? Asked for
    every row's buttons and menu item: once per request (kept on the request's user)."""
    if not user.is_authenticated:
        return False
    return is_network_admin(user) or bool(_own_ids(user))


def _own_ids(user):
    found = getattr(user, "_partner_organizations", None)
    if found is None:
        found = user._partner_organizations = set(
            own_organizations(user).values_list("pk", flat=True)
        )
    return found


def visible_partners(user):
    if not user.is_authenticated:
        return SocialPartner.objects.none()
    if is_network_admin(user):
        return SocialPartner.objects.all()
    return SocialPartner.objects.filter(organization__in=own_organizations(user))


def choosable_organizations(user):
    """The organizations a user may add partners to: their own; all, for network admins."""
    if is_network_admin(user):
        return Organization.objects.all()
    return own_organizations(user)


class PartnerPolicy(BasePermissionPolicy):
    """Any action for those who keep partners, on the partners of their own organizations."""

    def user_has_permission(self, user, action):
        return keeps_partners(user)

    def user_has_permission_for_instance(self, user, action, instance):
        """Asked for every row's buttons: the user's organizations are read once per request."""
        if not user.is_authenticated:
            return False
        return is_network_admin(user) or instance.organization_id in _own_ids(user)

    def instances_user_has_permission_for(self, user, action):
        return visible_partners(user)


class PartnerForm(WagtailAdminModelForm):
    class Meta:
        model = SocialPartner
        fields = ["organization", "name", "kind", "contact_person", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = choosable_organizations(self.for_user).order_by("name")
        field.error_messages["invalid_choice"] = "Выберите свою организацию из списка."
        if self.instance.pk is None and field.queryset.count() == 1:
            field.initial = field.queryset.get()

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def validate_unique(self):
        try:
            self.instance.validate_constraints()
        except forms.ValidationError:
            self.add_error("email", "У этой организации уже есть партнёр с таким адресом.")


class Scoped:
    """Editing or deleting a partner: only the user's own (404 otherwise)."""

    def get_queryset(self):
        return visible_partners(self.request.user)


class ScopedListing:
    """A listing about one partner (its history, its usage): only the user's own."""

    def get_base_object_queryset(self):
        return visible_partners(self.request.user)


class PartnerIndexView(generic.IndexView):
    def get_base_queryset(self):
        return visible_partners(self.request.user).select_related("organization")

    @cached_property
    def columns(self):
        return [
            TitleColumn("name", label="Наименование", get_url=self.get_edit_url),
            Column("get_kind_display", label="Вид"),
            Column("contact_person", label="Контактное лицо"),
            Column("email", label="E-mail"),
            Column("organization", label="Организация", accessor="organization.short_name"),
            DateColumn("created_at", label="Добавлен"),
        ]

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        row["organization"] = item.organization.short_name
        row["kind"] = item.get_kind_display()
        return row


class PartnerCreateView(generic.CreateView):
    pass


class PartnerEditView(Scoped, generic.EditView):
    pass


class PartnerDeleteView(Scoped, generic.DeleteView):
    pass


class PartnerHistoryView(ScopedListing, HistoryView):
    pass


class PartnerUsageView(ScopedListing, UsageView):
    pass


class PartnerViewSet(ModelViewSet):
    model = SocialPartner
    icon = "group"
    menu_label = "Социальные партнёры"
    menu_order = 640
    add_to_admin_menu = True
    url_prefix = "partners"
    name = "partners"
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = PartnerIndexView
    add_view_class = PartnerCreateView
    edit_view_class = PartnerEditView
    delete_view_class = PartnerDeleteView
    history_view_class = PartnerHistoryView
    usage_view_class = PartnerUsageView
    list_filter = ["kind"]
    search_fields = ["name", "contact_person", "email"]
    list_export = ["name", "kind", "contact_person", "email", "organization", "created_at"]
    export_headings = {
        "name": "Наименование",
        "kind": "Вид",
        "contact_person": "Контактное лицо",
        "email": "E-mail",
        "organization": "Организация",
        "created_at": "Добавлен",
    }
    export_filename = "socialnye-partnery"

    def get_form_class(self, for_update=False):
        return PartnerForm
