from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import BodyBlock
from home.listing import unrestricted
from home.serving import ViewRestrictionsInOneQuery

from . import pdf
from .forms import PublicReportPageForm

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class ReportIndexPage(ViewRestrictionsInOneQuery, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["reports.PublicReportPage"]
    max_count_per_parent = 1
    template = "reports/report_index_page.html"

    class Meta:
        verbose_name = _("public reports index")
        verbose_name_plural = _("public reports indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["reports"] = (
            unrestricted(PublicReportPage.objects.live().child_of(self), self)
            .defer_streamfields()
            .select_related("document")
            .order_by("-year")
        )
        return context


class PublicReportPage(RoutablePageMixin, ViewRestrictionsInOneQuery, Page):
    """A yearly public report (публичный отчёт): one per year per organization. The key
    figures are fields, not free text, so they can be compared across organizations. It has
    a print layout (`print/`) and a PDF (`pdf/`: the uploaded one, or one made from the page,
    reports/pdf.py) to send to social partners."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    summary = models.TextField(_("summary"), max_length=1000)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("report (PDF)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    members_count = models.PositiveIntegerField(_("union members"), null=True, blank=True)
    membership_share = models.DecimalField(
        _("share of workers who are members, %"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    primary_organizations_count = models.PositiveIntegerField(
        _("primary organizations"), null=True, blank=True
    )
    collective_agreements_count = models.PositiveIntegerField(
        _("collective agreements"), null=True, blank=True
    )
    info_budget_share = models.DecimalField(
        _("share of the budget spent on information work, %"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENT,
        help_text=_("The union recommends 4–6 %"),
    )
    training_budget_share = models.DecimalField(
        _("share of the budget spent on training the activists, %"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENT,
        help_text=_("The union recommends 6–10 %"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("year"),
        FieldPanel("summary"),
        FieldPanel("document"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("members_count"), FieldPanel("membership_share")]),
                FieldRowPanel(
                    [
                        FieldPanel("primary_organizations_count"),
                        FieldPanel("collective_agreements_count"),
                    ]
                ),
                FieldRowPanel(
                    [FieldPanel("info_budget_share"), FieldPanel("training_budget_share")]
                ),
            ],
            heading=_("Key figures"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("year"),
    ]

    parent_page_types = ["reports.ReportIndexPage"]
    subpage_types = []
    template = "reports/public_report_page.html"
    base_form_class = PublicReportPageForm

    class Meta:
        verbose_name = _("public report")
        verbose_name_plural = _("public reports")

    @path("")
    def index(self, request):
        return self.render(request)

    @path("print/")
    def print_layout(self, request):
        return HttpResponse(pdf.print_html(self, request))

    @path("pdf/")
    def pdf(self, request):
        if getattr(request, "is_preview", False):
            raise Http404
        if self.document_id:  # through Wagtail's document view, which checks who may see it
            return redirect(self.document.url)
        made = pdf.made_pdf(self)
        return FileResponse(
            made.file.open("rb"), content_type="application/pdf", filename=pdf.filename(self)
        )

    FIGURES = [
        "members_count",
        "membership_share",
        "primary_organizations_count",
        "collective_agreements_count",
        "info_budget_share",
        "training_budget_share",
    ]

    @property
    def figures(self):
        """(label, value, is_percent) for each key figure that is filled in."""
        result = []
        for name in self.FIGURES:
            value = getattr(self, name)
            if value is not None:
                field = self._meta.get_field(name)
                result.append((field.verbose_name, value, isinstance(field, models.DecimalField)))
        return result

    def clean(self):
        super().clean()
        # The admin form tells a new report its parent; `add_child()` places it in the tree
        # (sets its path) before saving, so the rule also holds for pages created in code.
        parent = getattr(self, "_report_parent", None) or (
            self.get_parent() if self.pk or self.path else None
        )
        if parent is None or self.year is None:
            return
        site_root = parent.get_parent()
        clash = (
            PublicReportPage.objects.descendant_of(site_root)
            .filter(year=self.year)
            .exclude(pk=self.pk)
            .exists()
        )
        if clash:
            raise ValidationError(
                {
                    "year": _("This organization already has a public report for %(year)s.")
                    % {"year": self.year}
                }
            )


class ReportPdf(models.Model):
    """The PDF made from a public report without an uploaded one (reports/pdf.py), with the
    digest of the HTML it was made from: made again when that changes."""

    report = models.OneToOneField(
        PublicReportPage, on_delete=models.CASCADE, related_name="made_pdf"
    )
    file = models.FileField(upload_to="reports/pdf/", max_length=255)
    digest = models.CharField(max_length=64)
    made_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("PDF made from a public report")

    def __str__(self):
        return self.file.name

    def file_bytes(self):
        with self.file.open("rb") as handle:
            return handle.read()
