import re

from django import forms
from django.core.exceptions import ValidationError

from sites.onboarding import services as onboarding


class OnboardForm(forms.Form):
    hostname = forms.CharField(
        label="Адрес сайта",
        max_length=253,
        help_text="Поддомен платформы (латиницей, например zheleznogorsk) или собственный домен "
        "организации (например, rylsk-profobr.ru).",
    )
    editors = forms.CharField(
        label="E-mail редакторов",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="По одному на строку или через запятую. Каждый получит письмо со ссылкой "
        "для входа.",
    )

    def __init__(self, *args, organization, **kwargs):
        self.organization = organization
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["hostname"] = organization.hostname or onboarding.derive_hostname_label(
                organization
            )

    def clean_hostname(self):
        return onboarding.check_hostname(self.organization, self.cleaned_data["hostname"])

    def clean_editors(self):
        emails = [item for item in re.split(r"[\s,;]+", self.cleaned_data["editors"]) if item]
        try:
            return onboarding.check_emails(emails)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
