from django.db.models import TextField
from django.db.models.functions import Cast
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.contrib.forms.models import FormSubmission
from wagtail.contrib.forms.utils import get_forms_for_user

from webforms.models import FormPage
from webforms.views import ResultsView


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("forms/results/<int:page_id>/", ResultsView.as_view(), name="webforms_results"),
    ]


def _form_buttons(page, user, *args, next_url=None, **kwargs):
    if not issubclass(page.specific_class or object, FormPage):
        return
    if not get_forms_for_user(user).filter(pk=page.pk).exists():
        return
    yield Button("Ответы", reverse("wagtailforms:list_submissions", args=[page.pk]), priority=70)
    yield Button("Итоги опроса", reverse("webforms_results", args=[page.pk]), priority=71)


hooks.register("register_page_header_buttons", _form_buttons)
hooks.register("register_page_listing_more_buttons", _form_buttons)


def submissions_with(email):
    """The submissions, of any form, in which a field's answer is `email` (normalized)."""
    candidates = FormSubmission.objects.annotate(text=Cast("form_data", TextField())).filter(
        text__icontains=email
    )
    ids = [
        pk
        for pk, data in candidates.values_list("pk", "form_data")
        if any(isinstance(value, str) and value.strip().lower() == email for value in data.values())
    ]
    return FormSubmission.objects.filter(pk__in=ids)


@hooks.register("register_personal_data")
def form_submissions():
    """Where the forms keep what people sent (sites/personal_data/holders.py erases it)."""
    return ("Отправки форм и ответы на опросы", submissions_with)
