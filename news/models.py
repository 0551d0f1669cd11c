from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from home.blocks import BodyBlock

NEWS_PER_PAGE = 10


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "news.NewsPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class NewsPageQuerySet(PageQuerySet):
    def for_listing(self, ancestor):
        """Live news under `ancestor`, newest first, loaded for a listing in a fixed number of
        queries however many there are (images and tags are prefetched, bodies deferred)."""
        return (
            self.live()
            .descendant_of(ancestor)
            .defer_streamfields()
            .select_related("main_image")
            .prefetch_related("main_image__renditions", "tags")
            .order_by("-date", "-pk")
        )


NewsPageManager = PageManager.from_queryset(NewsPageQuerySet)


class NewsIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsPage"]
    max_count_per_parent = 1
    template = "news/news_index_page.html"

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        news = NewsPage.objects.for_listing(self)
        tag = request.GET.get("tag", "").strip()
        if tag:
            news = news.filter(tags__name=tag)
        paginator = Paginator(news, NEWS_PER_PAGE)
        try:
            page_obj = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            page_obj = paginator.page(1)
        except EmptyPage:
            page_obj = paginator.page(paginator.num_pages)
        context.update(
            news_page=page_obj,
            paginator=paginator,
            current_tag=tag,
            page_range=paginator.get_elided_page_range(page_obj.number, on_each_side=2),
        )
        return context


class NewsPage(Page):
    date = models.DateField(_("date"), default=timezone.localdate)
    lead = models.TextField(_("lead"), max_length=600, help_text=_("One or two sentences"))
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    main_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("main image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))

    objects = NewsPageManager()

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("lead"),
        FieldPanel("main_image"),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("lead"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []
    template = "news/news_page.html"

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
