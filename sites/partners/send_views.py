"""The admin's side of sending reports: «Направить социальным партнёрам» on a published
report (a button in its header), and «Отправки отчётов», the log, for the organization's
editors and the network admins."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import FormView
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button

from partners.models import PartnerNewsLetter, ReportSending
from reports.models import PublicReportPage
from reports.pdf import organization_of
from sites.network.access import AllowedMenuItem, AllowedOnly
from sites.network.roles import is_network_admin_once as is_network_admin
from sites.network.roles import own_organizations
from sites.partners.sending import can_send, last_sent, send_report
from sites.partners.views import keeps_partners


class SendForm(forms.Form):
    partners = forms.ModelMultipleChoiceField(
        label="Кому отправить",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Отметьте хотя бы одного партнёра.",
            "invalid_choice": "Выберите партнёров из списка своей организации.",
            "invalid_pk_value": "Выберите партнёров из списка своей организации.",
        },
    )
    resend = forms.BooleanField(
        label="Отправить повторно тем, кому этот отчёт уже отправлен", required=False
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = organization.social_partners.order_by("name")


class SendReportView(WagtailAdminTemplateMixin, FormView):
    template_name = "sites/partners/send.html"
    form_class = SendForm
    header_icon = "mail"
    page_title = "Направить социальным партнёрам"

    def dispatch(self, request, report_id):
        self.report = PublicReportPage.objects.filter(pk=report_id).first()
        self.organization = organization_of(self.report) if self.report else None
        if not can_send(request.user, self.organization):
            raise Http404  # another organization's report: not even its title
        if not self.report.live:
            messages.error(
                request, "Сначала опубликуйте отчёт: партнёрам отправляется ссылка на него."
            )
            return redirect("wagtailadmin_pages:edit", self.report.pk)
        return super().dispatch(request, report_id)

    def get_page_subtitle(self):
        return self.report.title

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.organization}

    def get_initial(self):
        already = last_sent(self.report)
        partners = self.organization.social_partners.exclude(pk__in=already)
        return {"partners": list(partners.values_list("pk", flat=True))}

    def form_valid(self, form):
        partners = form.cleaned_data["partners"]
        try:
            outcome = send_report(
                self.report,
                self.organization,
                partners,
                self.request.user,
                resend=form.cleaned_data["resend"],
            )
        except Exception:  # the PDF could not be read or made: nothing was sent
            messages.error(self.request, "Не удалось подготовить PDF отчёта; ничего не отправлено.")
            return redirect(self.request.path)
        names = lambda found: ", ".join(partner.name for partner in found)  # noqa: E731
        if outcome.sent:
            messages.success(self.request, f"Отчёт отправлен: {names(outcome.sent)}.")
        if outcome.skipped:
            messages.warning(
                self.request,
                f"Уже получили этот отчёт, не отправлено: {names(outcome.skipped)}. "
                "Чтобы отправить ещё раз, отметьте «Отправить повторно».",
            )
        if outcome.failed:
            messages.error(
                self.request,
                f"Не удалось отправить: {names(outcome.failed)}. Попробуйте позже.",
            )
        return redirect(self.request.path)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        already = last_sent(self.report)
        chosen = {str(value) for value in context["form"]["partners"].value() or ()}
        context.update(
            report=self.report,
            organization=self.organization,
            rows=[
                (partner, already.get(partner.pk), str(partner.pk) in chosen)
                for partner in self.organization.social_partners.order_by("name")
            ],
            sendings=ReportSending.objects.filter(report=self.report).select_related("sent_by"),
            partners_url=reverse("partners:index"),
        )
        return context


def visible_sendings(user):
    if is_network_admin(user):
        return ReportSending.objects.all()
    return ReportSending.objects.filter(organization__in=own_organizations(user))


class SendingLogView(AllowedOnly, IndexView):
    """«Отправки отчётов»: every letter with a report to a partner, newest first."""

    allowed = staticmethod(keeps_partners)
    model = ReportSending
    permission_policy = None  # checked by AllowedOnly, rows scoped by visible_sendings()
    any_permission_required = None
    page_title = "Отправки отчётов партнёрам"
    header_icon = "mail"
    index_url_name = "partners_sendings"
    index_results_url_name = "partners_sendings_results"
    list_filter = ["year", "ok"]
    paginate_by = 50
    default_ordering = "-sent_at"
    export_filename = "otpravki-otchetov"
    list_export = ["sent_at", "organization", "year", "partner_name", "email", "ok", "error"]
    export_headings = {
        "sent_at": "Отправлено",
        "organization": "Организация",
        "year": "Год отчёта",
        "partner_name": "Партнёр",
        "email": "E-mail",
        "ok": "Доставлено на почтовый сервер",
        "error": "Ошибка",
    }

    @cached_property
    def columns(self):
        return [
            Column("partner_name", label="Партнёр"),
            Column("email", label="E-mail"),
            Column("organization", label="Организация", accessor="organization.short_name"),
            Column("year", label="Год отчёта"),
            BooleanColumn("ok", label="Отправлено"),
            DateColumn("sent_at", label="Когда"),
        ]

    def get_base_queryset(self):
        return visible_sendings(self.request.user).select_related("organization")

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        row["organization"] = item.organization.short_name
        row["ok"] = "да" if item.ok else "нет"
        return row


def visible_news_letters(user):
    if is_network_admin(user):
        return PartnerNewsLetter.objects.all()
    return PartnerNewsLetter.objects.filter(organization__in=own_organizations(user))


class NewsLetterLogView(SendingLogView):
    """«Письма партнёрам с новостями»: the monthly letters (sites/partners/news.py)."""

    model = PartnerNewsLetter
    page_title = "Письма партнёрам с новостями"
    index_url_name = "partners_news_letters"
    index_results_url_name = "partners_news_letters_results"
    list_filter = ["ok"]
    export_filename = "pisma-partneram"
    list_export = ["sent_at", "organization", "partner_name", "email", "items", "ok", "error"]
    export_headings = {
        "sent_at": "Отправлено",
        "organization": "Организация",
        "partner_name": "Партнёр",
        "email": "E-mail",
        "items": "Новостей",
        "ok": "Доставлено на почтовый сервер",
        "error": "Ошибка",
    }

    @cached_property
    def columns(self):
        return [
            Column("partner_name", label="Партнёр"),
            Column("email", label="E-mail"),
            Column("organization", label="Организация", accessor="organization.short_name"),
            Column("items", label="Новостей"),
            BooleanColumn("ok", label="Отправлено"),
            DateColumn("sent_at", label="Когда"),
        ]

    def get_base_queryset(self):
        return visible_news_letters(self.request.user).select_related("organization")


def urlpatterns():
    return [
        path("partners/send/<int:report_id>/", SendReportView.as_view(), name="partners_send"),
        path("partners/sendings/", SendingLogView.as_view(), name="partners_sendings"),
        path(
            "partners/sendings/results/",
            SendingLogView.as_view(results_only=True),
            name="partners_sendings_results",
        ),
        path("partners/news-letters/", NewsLetterLogView.as_view(), name="partners_news_letters"),
        path(
            "partners/news-letters/results/",
            NewsLetterLogView.as_view(results_only=True),
            name="partners_news_letters_results",
        ),
    ]


def sendings_menu_item():
    return AllowedMenuItem(
        "Отправки отчётов",
        reverse("partners_sendings"),
        icon_name="mail",
        order=641,
        allowed=keeps_partners,
    )


def news_letters_menu_item():
    return AllowedMenuItem(
        "Письма партнёрам",
        reverse("partners_news_letters"),
        icon_name="mail",
        order=642,
        allowed=keeps_partners,
    )


def send_button(page, user, view_name=None, next_url=None):
    """«Направить социальным партнёрам» in a published report's header, for its senders."""
    if page.specific_class is not PublicReportPage or not page.live:
        return []
    if not can_send(user, organization_of(page)):
        return []
    url = reverse("partners_send", args=[page.pk])
    return [Button("Направить социальным партнёрам", url, icon_name="mail", priority=55)]
