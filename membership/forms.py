"""The application form on a site: the workplace is one of the registry's primary
organizations of the site's area (the site's own on a primary's site, a territorial
organization's primaries, a region's primaries grouped by territorial organization), or
«нет в списке». An id from the request that is not among them is refused."""

from django import forms
from django.core.exceptions import ValidationError

from directory.models import Organization
from privacy import consent

OTHER = "other"


def workplace_choices(organization):
    """[(territorial name or "", [(id, name)])] for `organization`'s site: one query."""
    if organization is None:
        return []
    kind = Organization.Kind
    primaries = Organization.objects.filter(kind=kind.PRIMARY)
    if organization.kind == kind.PRIMARY:
        primaries = primaries.filter(pk=organization.pk)
    elif organization.kind == kind.TERRITORIAL:
        primaries = primaries.filter(parent=organization)
    else:
        primaries = primaries.filter(parent__parent=organization)
    rows = primaries.order_by("parent__short_name", "short_name").values_list(
        "pk", "short_name", "parent__short_name"
    )
    groups = {}
    for pk, name, parent in rows:
        label = parent if organization.kind == kind.REGIONAL else ""
        groups.setdefault(label, []).append((str(pk), name))
    return list(groups.items())


class ApplicationForm(forms.Form):
    full_name = forms.CharField(label="Фамилия, имя, отчество", max_length=255)
    workplace = forms.ChoiceField(label="Место работы")
    workplace_other = forms.CharField(
        label="Если вашей организации нет в списке: название и адрес",
        max_length=500,
        required=False,
    )
    position = forms.CharField(label="Должность", max_length=255)
    phone = forms.CharField(label="Телефон", max_length=50, required=False)
    email = forms.EmailField(label="E-mail", required=False)

    def __init__(self, *args, organization, choices, policy_url="", **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        flat = [("", "— выберите —")]
        for group, items in choices:
            if group:
                flat.append((group, items))
            else:
                flat.extend(items)
        flat.append((OTHER, "Моей организации нет в списке"))
        self.fields["workplace"].choices = flat
        self.fields["workplace"].error_messages["invalid_choice"] = (
            "Выберите организацию из списка или «Моей организации нет в списке»."
        )
        self.primary_ids = {int(pk) for _, items in choices for pk, _ in items}
        operator = organization.name if organization else "организация Профсоюза"
        consent.protect(
            self,
            operator=operator,
            purpose="рассмотрение заявления о вступлении в Профсоюз и связь со мной",
            policy_url=policy_url,
        )

    def clean(self):
        data = super().clean()
        if data.get("workplace") == OTHER and not data.get("workplace_other", "").strip():
            self.add_error("workplace_other", "Напишите, где вы работаете.")
        if not data.get("phone") and not data.get("email"):
            raise ValidationError("Оставьте телефон или e-mail, чтобы с вами могли связаться.")
        return data

    def chosen_organization(self):
        """The primary chosen, or for «нет в списке» the site's own organization."""
        value = self.cleaned_data["workplace"]
        if value != OTHER and int(value) in self.primary_ids:
            return Organization.objects.get(pk=int(value))
        return self.organization
