from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm

from directory.models import Organization


def check_can_review(organization):
    """Raise ValidationError (Russian, for the settings form) if the site can't be reviewed."""
    if organization is None or organization.kind != Organization.Kind.PRIMARY:
        raise ValidationError("Проверка вышестоящей организацией есть только у первичных.")
    parent = organization.parent
    if parent is None or parent.editors_group_id is None or parent.site_id is None:
        raise ValidationError(
            f"У вышестоящей организации «{parent or '—'}» нет сайта и редакторов: "
            "проверять страницы некому."
        )


class ModerationSettingsForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("require_parent_review"):
            organization = (
                Organization.objects.select_related("parent")
                .filter(site_id=self.instance.site_id)
                .first()
            )
            try:
                check_can_review(organization)
            except ValidationError as error:
                self.add_error("require_parent_review", error)
        return cleaned
