"""«Документы»: every site's documents by category (положения, постановления, методические
рекомендации, формы), each a Wagtail document of the organization's collection. The regional
committee (and a territorial one, for its primaries) marks an item «Для всех организаций ниже»:
it shows, by category, on the «Документы» of every site below, beside the site's own, with
its source; nothing is copied (the organizations above are the site chrome's, as for the news
sent down: news/flow.py)."""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable, Page

from directory.chrome import chrome_for_request
from home.listing import below_path, unrestricted
from home.serving import ViewRestrictionsInOneQuery
from news.flow import HigherFeed

DOCUMENTS_TITLE = "Документы"
DOCUMENTS_SLUG = "dokumenty"


class Category(models.TextChoices):
    REGULATIONS = "regulations", "Положения"
    RESOLUTIONS = "resolutions", "Постановления"
    GUIDANCE = "guidance", "Методические рекомендации"
    FORMS = "forms", "Формы"
    OTHER = "other", "Другие документы"


class DocumentsPage(ViewRestrictionsInOneQuery, Page):
    intro = models.TextField("вступление", blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("items", heading="Документы", label="Документ"),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1
    template = "library/documents_page.html"

    class Meta:
        verbose_name = "раздел «Документы»"
        verbose_name_plural = "разделы «Документы»"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        own = self.items.select_related("document").order_by("category", "-date", "sort_order")
        context["own"] = by_category(own)
        context["from_above"] = by_category(from_above(request))
        return context


class DocumentItem(Orderable):
    page = ParentalKey(DocumentsPage, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="документ", on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(
        "название", max_length=255, blank=True, help_text="Если пусто — название документа"
    )
    category = models.CharField(
        "раздел", max_length=16, choices=Category.choices, default=Category.REGULATIONS
    )
    date = models.DateField("дата принятия", null=True, blank=True)
    for_structure = models.BooleanField(
        "для всех организаций ниже",
        default=False,
        help_text="Для региональной и территориальных организаций: документ появится в разделе "
        "«Документы» на сайтах всех организаций ниже.",
    )

    panels = [
        FieldPanel("document"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("category"), FieldPanel("date")]),
        FieldPanel("for_structure"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "документ"
        verbose_name_plural = "документы"

    @property
    def display_title(self):
        return self.title or self.document.title


def from_above(request):
    """The items the organizations above the request's site marked for the structure, on
    their live, unrestricted «Документы», each with its `source` (a news/flow.py Source):
    one query, the organizations above being kept with the site chrome."""
    feed = HigherFeed(chrome_for_request(request))
    if not feed:
        return []
    condition = models.Q()
    for path in feed.sources.by_root_path:
        condition |= below_path(path, field="page__path")
    pages = unrestricted(DocumentsPage.objects.live())
    items = (
        DocumentItem.objects.filter(condition, for_structure=True, page__in=pages)
        .select_related("document", "page")
        .order_by("category", "-date", "sort_order")
    )
    found = list(items)
    for item in found:
        item.source = feed.sources.of(item.page)
    return found


def by_category(items):
    """[(category label, [items])] in the categories' order, empty ones left out."""
    grouped = {}
    for item in items:
        grouped.setdefault(item.category, []).append(item)
    return [(label, grouped[value]) for value, label in Category.choices if value in grouped]
