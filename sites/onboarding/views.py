"""Admin views for regional admins: create a site for one organization, or for many at once."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.functional import classproperty
from wagtail.admin import messages
from wagtail.admin.views.bulk_action import BulkAction

from directory.models import Organization
from sites.onboarding import services as onboarding
from sites.onboarding.forms import OnboardForm

ONBOARD_PERMISSION = "directory.onboard_organization"


def onboard_view(request, pk):
    if not request.user.has_perm(ONBOARD_PERMISSION):
        raise PermissionDenied
    organization = get_object_or_404(Organization.objects.select_related("site"), pk=pk)
    if organization.site_id:
        messages.error(
            request, f"У организации «{organization}» уже есть сайт: {organization.site.root_url}/"
        )
        return redirect("organizations:index")
    form = OnboardForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            result = onboarding.onboard(
                organization,
                hostname=form.cleaned_data["hostname"],
                editors=form.cleaned_data["editors"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            organization.refresh_from_db()
            return TemplateResponse(
                request,
                "sites/onboarding/onboard_done.html",
                {"organizations": [organization], "results": [result], "failures": []},
            )
    return TemplateResponse(
        request, "sites/onboarding/onboard_form.html", {"organization": organization, "form": form}
    )


class OnboardBulkAction(BulkAction):
    """«Создать сайты» for the organizations selected in the registry listing."""

    display_name = "Создать сайты"
    action_type = "onboard"
    aria_label = "Создать сайты выбранным организациям"
    template_name = "sites/onboarding/onboard_bulk_confirm.html"
    action_priority = 10

    @classproperty
    def models(cls):
        return [Organization]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(ONBOARD_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def check_perm(self, organization):
        return organization.site_id is None  # those with a site are listed as skipped

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["with_site"] = context.pop("items_with_no_access")
        return context

    def form_valid(self, form):
        organizations, _ = self.get_actionable_objects()
        template = onboarding.TemplateSnapshot.take()
        results, failures = [], []
        for organization in organizations:
            try:
                results.append(
                    onboarding.onboard(organization, user=self.request.user, template=template)
                )
            except ValidationError as error:
                failures.append((organization, " ".join(error.messages)))
        for result in results:
            result.organization.refresh_from_db()
        return TemplateResponse(
            self.request,
            "sites/onboarding/onboard_done.html",
            {
                "organizations": [result.organization for result in results],
                "results": results,
                "failures": failures,
            },
        )
