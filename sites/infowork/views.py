"""The admin's information-work reports: «Доля бюджета на информационную работу» (each
organization's shares from its public report for the year, against the recommendations) and
«Информационная работа за год», the presidium's XLSX (network admins). Both over the
organizations the user may see, as the freshness reports are."""

import io

import django_filters
from django import forms
from django.http import HttpResponse
from django.urls import path, reverse
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from sites.freshness.public_reports import default_report_year
from sites.freshness.report_base import (
    ForYear,
    RowFilterSet,
    RowTable,
    ScopedReportView,
    can_view_freshness,
    year_filter,
)
from sites.freshness.status import current_time
from sites.infowork import yearly
from sites.infowork.contest import FORMULA, rating
from sites.infowork.figures import ABOVE, BELOW, NOT_GIVEN, WITHIN, organization_years
from sites.network.access import AllowedMenuItem, AllowedOnly


def percent(value):
    return "—" if value is None else f"{value} %".replace(".", ",")


class BudgetFilterSet(RowFilterSet):
    row_filters = ("year", "assessment")

    year = year_filter()
    assessment = django_filters.ChoiceFilter(
        label="Доля на информационную работу",
        choices=[(value, value.capitalize()) for value in (BELOW, WITHIN, ABOVE, NOT_GIVEN)],
        empty_label="Все",
        widget=forms.RadioSelect,
        method="keep",
    )

    class Meta(RowFilterSet.Meta):
        fields = ["year", "kind", "territorial", "assessment"]


class BudgetRow:
    def __init__(self, row):
        self.row = row
        self.short_name = row.short_name
        self.code = row.code
        self.territorial = row.territorial
        self.info = percent(row.info_share)
        self.info_share = row.info_share
        self.info_assessment = row.info_assessment
        self.training = percent(row.training_share)
        self.training_share = row.training_share
        self.training_assessment = row.training_assessment


class BudgetShareView(ForYear, ScopedReportView):
    """Per organization with a public report for the year: its shares of the budget spent on
    information work (recommended 4–6 %) and on training the activists (6–10 %)."""

    page_title = "Доля бюджета на информационную работу"
    header_icon = "doc-full"
    index_url_name = "infowork_budget"
    index_results_url_name = "infowork_budget_results"
    filterset_class = BudgetFilterSet
    table_class = RowTable
    paginate_by = 100
    export_filename = "dolya-byudzheta"
    list_export = [
        "code",
        "short_name",
        "territorial",
        "info_share",
        "info_assessment",
        "training_share",
        "training_assessment",
    ]
    export_headings = {
        "code": "Код",
        "short_name": "Организация",
        "territorial": "Территориальная организация",
        "info_share": "На информационную работу, %",
        "info_assessment": "Оценка (рекомендуется 4–6 %)",
        "training_share": "На обучение профактива, %",
        "training_assessment": "Оценка (рекомендуется 6–10 %)",
    }
    columns = [
        Column("short_name", label="Организация"),
        Column("territorial", label="Территориальная организация"),
        Column("info", label="Информационная работа"),
        Column("info_assessment", label="Оценка (4–6 %)"),
        Column("training", label="Обучение профактива"),
        Column("training_assessment", label="Оценка (6–10 %)"),
    ]

    def get_page_subtitle(self):
        return f"по публичным отчётам за {self.year} год"

    def get_queryset(self):
        wanted = self.filters.row_filter_values().get("assessment") if self.filters else None
        rows = organization_years(self.filtered_organizations(), self.year)
        return [
            BudgetRow(row)
            for row in rows
            if row.published and (not wanted or row.info_assessment == wanted)
        ]

    def to_row_dict(self, item):
        return {name: getattr(item, name) for name in self.list_export}


class ContestFilterSet(RowFilterSet):
    row_filters = ("year",)

    year = year_filter("Год")

    class Meta(RowFilterSet.Meta):
        fields = ["year", "kind", "territorial"]


class ContestView(ForYear, ScopedReportView):
    """«Смотр-конкурс сайтов»: the year's rating of the sites the user may see, the formula
    above it (sites/infowork/contest.py)."""

    page_title = "Смотр-конкурс сайтов"
    header_icon = "pick"
    index_url_name = "infowork_contest"
    index_results_url_name = "infowork_contest_results"
    results_template_name = "sites/infowork/contest_results.html"
    filterset_class = ContestFilterSet
    table_class = RowTable
    paginate_by = 100
    export_filename = "smotr-konkurs"
    list_export = [
        "place",
        "code",
        "short_name",
        "territorial",
        "news_months",
        "report",
        "contacts",
        "flow",
        "events",
        "score",
    ]
    export_headings = {
        "place": "Место",
        "code": "Код",
        "short_name": "Организация",
        "territorial": "Территориальная организация",
        "news_months": "Месяцев с новостями",
        "report": "Публичный отчёт",
        "contacts": "Полные контакты",
        "flow": "Новостей в ленте вышестоящей",
        "events": "Событий",
        "score": "Баллы",
    }
    columns = [
        Column("place", label="Место"),
        Column("short_name", label="Организация"),
        Column("territorial", label="Территориальная организация"),
        Column("news_months", label="Месяцев с новостями"),
        Column("report_label", label="Отчёт"),
        Column("contacts_label", label="Контакты"),
        Column("flow", label="В ленте выше"),
        Column("events", label="События"),
        Column("score", label="Баллы"),
    ]

    def get_page_subtitle(self):
        return f"за {self.year} год"

    def get_queryset(self):
        return [ContestRow(entry) for entry in rating(self.filtered_organizations(), self.year)]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["formula"] = FORMULA
        context["year"] = self.year
        return context

    def to_row_dict(self, item):
        row = {name: getattr(item.entry, name) for name in self.list_export}
        row["report"] = "да" if item.entry.report else "нет"
        row["contacts"] = "да" if item.entry.contacts else "нет"
        return row


class ContestRow:
    def __init__(self, entry):
        self.entry = entry
        for name in ("place", "code", "short_name", "territorial", "news_months", "flow", "events"):
            setattr(self, name, getattr(entry, name))
        self.score = str(entry.score).replace(".", ",")
        self.report_label = "опубликован" if entry.report else "нет"
        self.contacts_label = "полные" if entry.contacts else "неполные"


class YearForm(forms.Form):
    year = forms.IntegerField(
        label="Год публичных отчётов",
        min_value=1990,
        max_value=2100,
        error_messages={
            "invalid": "Укажите год числом, например 2025.",
            "min_value": "Год не раньше 1990.",
            "max_value": "Год не позже 2100.",
        },
    )


class InformationWorkView(AllowedOnly, WagtailAdminTemplateMixin, TemplateView):
    """«Информационная работа за год»: the year to choose and the XLSX to download."""

    template_name = "sites/infowork/yearly.html"
    page_title = "Информационная работа за год"
    header_icon = "download"

    def get(self, request, *args, **kwargs):
        initial = {"year": default_report_year(current_time())}
        self.form = YearForm(request.GET if "year" in request.GET else None, initial=initial)
        if self.form.is_bound and self.form.is_valid():
            year = self.form.cleaned_data["year"]
            output = io.BytesIO()
            yearly.write_workbook(output, year)
            response = HttpResponse(
                output.getvalue(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="{yearly.filename(year)}"'
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form": self.form}


def urlpatterns():
    return [
        path("reports/budget-share/", BudgetShareView.as_view(), name="infowork_budget"),
        path(
            "reports/budget-share/results/",
            BudgetShareView.as_view(results_only=True),
            name="infowork_budget_results",
        ),
        path("reports/information-work/", InformationWorkView.as_view(), name="infowork_yearly"),
        path("reports/contest/", ContestView.as_view(), name="infowork_contest"),
        path(
            "reports/contest/results/",
            ContestView.as_view(results_only=True),
            name="infowork_contest_results",
        ),
    ]


def budget_menu_item():
    return AllowedMenuItem(
        "Доля бюджета на информацию",
        reverse("infowork_budget"),
        icon_name="doc-full",
        order=960,
        allowed=can_view_freshness,
    )


def contest_menu_item():
    return AllowedMenuItem(
        "Смотр-конкурс сайтов",
        reverse("infowork_contest"),
        icon_name="pick",
        order=965,
        allowed=can_view_freshness,
    )


def yearly_menu_item():
    return AllowedMenuItem(
        "Информационная работа за год",
        reverse("infowork_yearly"),
        icon_name="download",
        order=970,
    )
