from django import forms

from newsletters.models import Subscription
from privacy import consent


class SubscribeForm(forms.Form):
    email = forms.EmailField(label="E-mail", max_length=254)
    frequency = forms.ChoiceField(
        label="Как часто присылать",
        choices=Subscription.Frequency.choices,
        initial=Subscription.Frequency.WEEKLY,
        widget=forms.RadioSelect,
    )
    with_organizations = forms.BooleanField(
        label="Присылать и новости организаций, входящих в нашу", required=False
    )

    def __init__(self, *args, operator, feeds_organizations, policy_url="", **kwargs):
        super().__init__(*args, **kwargs)
        if not feeds_organizations:
            del self.fields["with_organizations"]
        consent.protect(
            self,
            operator=operator,
            purpose="рассылка новостей сайта на мой адрес электронной почты",
            policy_url=policy_url,
        )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()
