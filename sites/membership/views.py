"""«Заявления о вступлении» in the admin: an organization's editors see and mark the
applications sent to it (and to its organizations below that have no site, so no editors of
their own); the network admins see every one, and the counts per territorial organization.
Applications hold personal data: a territorial organization's editors do not see those of its
primaries that have editors."""

from collections import Counter

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from directory.models import Organization
from membership.models import Application
from sites.network.access import AllowedMenuItem, AllowedOnly
from sites.network.roles import is_network_admin_once as is_network_admin
from sites.network.roles import own_organizations


def visible_applications(user):
    if is_network_admin(user):
        return Application.objects.all()
    own = own_organizations(user)
    return Application.objects.filter(
        Q(organization__in=own) | Q(organization__site__isnull=True, organization__parent__in=own)
    )


def can_handle(user):
    return is_network_admin(user) or own_organizations(user).exists()


class Applicants(AllowedOnly):
    """Who may open these views: 403 (Wagtail: back home) for anyone else."""

    allowed = staticmethod(can_handle)


class ApplicationIndexView(Applicants, IndexView):
    model = Application
    permission_policy = None  # checked by Applicants, rows scoped by visible_applications()
    any_permission_required = None
    page_title = "Заявления о вступлении"
    header_icon = "user"
    index_url_name = "membership_applications"
    index_results_url_name = "membership_applications_results"
    edit_url_name = "membership_application"
    list_filter = ["status"]
    paginate_by = 50
    default_ordering = "-created_at"
    export_filename = "zayavleniya"
    list_export = [
        "created_at",
        "organization",
        "full_name",
        "workplace",
        "position",
        "phone",
        "email",
        "status",
        "note",
    ]
    export_headings = {
        "created_at": "Получено",
        "organization": "Организация",
        "full_name": "ФИО",
        "workplace": "Место работы",
        "position": "Должность",
        "phone": "Телефон",
        "email": "E-mail",
        "status": "Статус",
        "note": "Заметка",
    }

    @cached_property
    def columns(self):
        return [
            TitleColumn("full_name", label="ФИО", get_url=self.get_edit_url),
            Column("workplace", label="Место работы"),
            Column("position", label="Должность"),
            Column("get_status_display", label="Статус"),
            DateColumn("created_at", label="Получено"),
        ]

    def get_base_queryset(self):
        return visible_applications(self.request.user).select_related("organization")

    def get_edit_url(self, instance):
        return reverse(self.edit_url_name, args=[instance.pk])

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        row["organization"] = item.organization.short_name
        row["status"] = item.get_status_display()
        return row


class StatusForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["status", "note"]


class ApplicationView(Applicants, WagtailAdminTemplateMixin, FormView):
    """One application: what was sent, and its status and note to change."""

    template_name = "sites/membership/application.html"
    form_class = StatusForm
    header_icon = "user"

    def dispatch(self, request, pk):
        self.pk = pk
        return super().dispatch(request, pk)

    @cached_property
    def application(self):
        found = visible_applications(self.request.user).filter(pk=self.pk).first()
        if found is None:
            raise Http404
        return found

    def get_page_title(self):
        return f"Заявление: {self.application.full_name}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.application}

    def form_valid(self, form):
        form.save()
        messages.success(self.request, "Статус заявления сохранён.")
        return redirect("membership_applications")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "application": self.application}


class CountsView(AllowedOnly, WagtailAdminTemplateMixin, TemplateView):
    """Applications per territorial organization (itself and its primaries) by status: for
    the network admins. One GROUP BY query."""

    template_name = "sites/membership/counts.html"
    page_title = "Заявления по территориальным организациям"
    header_icon = "user"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind = Organization.Kind
        grouped = (
            Application.objects.values_list(
                "organization_id",
                "organization__kind",
                "organization__short_name",
                "organization__parent_id",
                "organization__parent__short_name",
                "status",
            )
            .order_by()
            .annotate(n=Count("pk"))
        )
        lines = {}
        for org_id, org_kind, name, parent_id, parent_name, status, n in grouped:
            if org_kind == kind.PRIMARY:
                key, label = parent_id, parent_name
            elif org_kind == kind.TERRITORIAL:
                key, label = org_id, name
            else:
                key, label = None, "Напрямую в региональную организацию"
            lines.setdefault(key, (label, Counter()))[1][status] += n
        rows = sorted(lines.values(), key=lambda line: line[0].casefold())
        statuses = Application.Status
        context["statuses"] = list(statuses)
        context["rows"] = [
            (label, [counts[s.value] for s in statuses], counts.total()) for label, counts in rows
        ]
        context["totals"] = [
            sum(row[1][i] for row in context["rows"]) for i in range(len(statuses))
        ]
        context["total"] = sum(row[2] for row in context["rows"])
        return context


def urlpatterns():
    return [
        path("applications/", ApplicationIndexView.as_view(), name="membership_applications"),
        path(
            "applications/results/",
            ApplicationIndexView.as_view(results_only=True),
            name="membership_applications_results",
        ),
        path("applications/<int:pk>/", ApplicationView.as_view(), name="membership_application"),
        path("applications/counts/", CountsView.as_view(), name="membership_counts"),
    ]


def applications_menu_item():
    return AllowedMenuItem(
        "Заявления о вступлении",
        reverse("membership_applications"),
        icon_name="user",
        order=650,
        allowed=can_handle,
    )


def counts_menu_item():
    return AllowedMenuItem(
        "Заявления о вступлении", reverse("membership_counts"), icon_name="user", order=950
    )
