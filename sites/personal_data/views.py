"""«Персональные данные», for the network admins (the regional committee answers to
Roskomnadzor for every site): the log of consents, with its export, and erasing a person's
data by e-mail address everywhere, which leaves a record (`Erasure`)."""

import django_filters
from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.generic import FormView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView

from privacy.models import ConsentRecord
from sites.network.access import AllowedMenuItem, AllowedOnly
from sites.personal_data import holders
from sites.personal_data.models import Erasure


class ConsentFilterSet(WagtailFilterSet):
    email = django_filters.CharFilter(
        label="E-mail", field_name="email", lookup_expr="iexact", max_length=254
    )
    purpose = django_filters.ChoiceFilter(label="Цель", choices=ConsentRecord.Purpose.choices)

    class Meta:
        model = ConsentRecord
        fields = []


class ConsentLogView(AllowedOnly, ReportView):
    page_title = "Журнал согласий"
    header_icon = "tick-inverse"
    index_url_name = "personal_data_consents"
    index_results_url_name = "personal_data_consents_results"
    filterset_class = ConsentFilterSet
    paginate_by = 50
    export_filename = "soglasiya"
    columns = [
        DateColumn("given_at", label="Дано"),
        Column("organization_name", label="Оператор"),
        Column("page_title", label="Форма"),
        Column("get_purpose_display", label="Цель"),
        Column("email", label="E-mail"),
        Column("name", label="Имя"),
        Column("ip_address", label="IP-адрес"),
        Column("text_version", label="Версия текста"),
    ]
    list_export = [
        "given_at",
        "organization_name",
        "page_title",
        "url",
        "purpose",
        "email",
        "name",
        "ip_address",
        "text_version",
        "text",
    ]
    export_headings = {
        "given_at": "Дано",
        "organization_name": "Оператор",
        "page_title": "Форма",
        "url": "Адрес формы",
        "purpose": "Цель",
        "email": "E-mail",
        "name": "Имя",
        "ip_address": "IP-адрес",
        "text_version": "Версия текста согласия",
        "text": "Текст согласия",
    }

    def get_queryset(self):
        return ConsentRecord.objects.order_by("-given_at", "-pk")


class EraseForm(forms.Form):
    email = forms.CharField(label="E-mail человека", max_length=254)
    basis = forms.CharField(
        label="Основание",
        max_length=500,
        required=False,
        help_text="Например: «заявление от 01.12.2026, вх. № 15» — останется в журнале.",
    )

    def clean_email(self):
        return holders.normalized(self.cleaned_data["email"])


class EraseView(AllowedOnly, WagtailAdminTemplateMixin, FormView):
    """Two steps: what would be removed, then removing it on confirmation."""

    page_title = "Удаление персональных данных"
    header_icon = "bin"
    template_name = "sites/personal_data/erase.html"
    form_class = EraseForm

    def form_valid(self, form):
        email, basis = form.cleaned_data["email"], form.cleaned_data["basis"]
        if self.request.POST.get("confirm") != "yes":
            context = self.get_context_data(form=form)
            context["found"] = holders.counts(email)
            return self.render_to_response(context)
        erasure = holders.erase(email, user=self.request.user, basis=basis)
        messages.success(
            self.request,
            f"Данные удалены: записей — {erasure.total}. Удаление записано в журнал.",
        )
        return redirect("personal_data_erase")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["erasures"] = Erasure.objects.all()[:50]
        context["consents_url"] = reverse("personal_data_consents")
        return context


def urlpatterns():
    return [
        path(
            "personal-data/consents/",
            ConsentLogView.as_view(),
            name="personal_data_consents",
        ),
        path(
            "personal-data/consents/results/",
            ConsentLogView.as_view(results_only=True),
            name="personal_data_consents_results",
        ),
        path("personal-data/erase/", EraseView.as_view(), name="personal_data_erase"),
    ]


def consents_menu_item():
    return AllowedMenuItem(
        "Журнал согласий", reverse("personal_data_consents"), icon_name="tick-inverse", order=900
    )


def erase_menu_item():
    return AllowedMenuItem(
        "Удаление персональных данных",
        reverse("personal_data_erase"),
        icon_name="bin",
        order=901,
    )
