"""«Итоги опроса»: a survey's answers counted, as bars, for those who may see its
submissions (Wagtail's own rule, narrowed to the form's organization by
sites/isolation/forms.py)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.contrib.forms.utils import get_forms_for_user

from webforms.models import FormPage


class ResultsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "webforms/admin/results.html"
    page_title = "Итоги опроса"
    header_icon = "form"

    def dispatch(self, request, page_id):
        if not get_forms_for_user(request.user).filter(pk=page_id).exists():
            raise PermissionDenied
        self.form_page = get_object_or_404(FormPage, pk=page_id)
        return super().dispatch(request, page_id)

    def get_page_subtitle(self):
        return self.form_page.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form_page"] = self.form_page
        context["results"] = self.form_page.results()
        context["submissions"] = (
            self.form_page.get_submission_class().objects.filter(page=self.form_page).count()
        )
        context["submissions_url"] = reverse(
            "wagtailforms:list_submissions", args=[self.form_page.pk]
        )
        return context
