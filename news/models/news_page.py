"""A news item, and the queries that list news."""

from collections import defaultdict
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.db.models import F, Q
from django.db.models.lookups import In
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.images.models import Filter
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from home.blocks import BodyBlock
from home.listing import (
    below,
    listing_slots,
    listing_values,
    parent_url,
    unrestricted,
    with_urls_below,
)
from home.prepared import Prepared, Slot
from home.serving import ViewRestrictionsInOneQuery
from home.tree_top import TreeTop
from news.forms import NewsPageForm

ORGANIZATIONS_ROUTE = "organizations"
ORGANIZATIONS_SLUG = "organizatsiy"

# What a news listing loads of each item: the fields the cards, the feed and the RSS show
# (includes/news_card.html, flow.py, feeds.py), and the renditions of its image the cards show
# (news_tags.listing_picture), made once: Wagtail parses a filter once per Filter. A field
# left out here costs a query per item when a template reads it.
LISTING_FIELDS = ("title", "url_path", "path", "first_published_at", "date", "lead", "main_image")
LISTING_PICTURE_FILTERS = (Filter("format-webp|fill-480x270"), Filter("format-jpeg|fill-480x270"))


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "news.NewsPage", related_name="tagged_items", on_delete=models.CASCADE
    )


def load_for_cards(items, tagged=()):
    """Give the news `items` (a list) what their cards show, in one query each for all of
    them rather than through `prefetch_related` (whose machinery cost more than the queries):
    their images' renditions the cards show (`LISTING_PICTURE_FILTERS`), as Wagtail's
    `prefetched_renditions`, and to those also in `tagged`, their tags' names in the order
    they were added, as `listed_tags`."""
    images = [item.main_image for item in items if item.main_image_id]
    if images:
        image_ids = sorted({image.pk for image in images})
        renditions = defaultdict(list)
        for rendition in _RENDITIONS((len(image_ids),), **_numbered("image", image_ids)):
            renditions[rendition.image_id].append(rendition)
        for image in images:
            image.prefetched_renditions = list(renditions[image.pk])
    if tagged:
        page_ids = [item.pk for item in tagged]
        names = defaultdict(list)
        for page_id, name in _TAG_NAMES((len(page_ids),), **_numbered("page", page_ids)):
            names[page_id].append(name)
        for item in tagged:
            item.listed_tags = names[item.pk]


def _numbered(prefix, values):
    return {f"{prefix}{number}": value for number, value in enumerate(values)}


def _slots(prefix, count):
    return [Slot(f"{prefix}{number}") for number in range(count)]


_RENDITIONS = Prepared(
    lambda count: (
        get_image_model()
        .get_rendition_model()
        .objects.filter(
            In(F("image_id"), _slots("image", count)),
            filter_spec__in=[image_filter.spec for image_filter in LISTING_PICTURE_FILTERS],
        )
    )
)
_TAG_NAMES = Prepared(
    lambda count: (
        NewsPageTag.objects.filter(In(F("content_object_id"), _slots("page", count)))
        .order_by("pk")
        .values_list("content_object_id", "tag__name")
    )
)


class ListingIterable(ModelIterable):
    """The news items of a listing, with what their cards show (`load_for_cards()`), and,
    with `tags`, their tags' names."""

    tags = False

    def __iter__(self):
        items = list(super().__iter__())
        load_for_cards(items, items if self.tags else ())
        yield from items


class TaggedListingIterable(ListingIterable):
    tags = True


class NewsPageQuerySet(PageQuerySet):
    def for_listing(self, ancestor, shown_on=None):
        """Live news under `ancestor` that an anonymous visitor could open (none under a view
        restriction, but those the page `shown_on` has passed: `home.listing.unrestricted`),
        newest first, loaded for a listing in a fixed number of queries however many there
        are: `loaded_for_listing()`, with the tags' names as `listed_tags`."""
        listing = unrestricted(self.live().filter(below(ancestor)), shown_on).loaded_for_listing()
        listing._iterable_class = TaggedListingIterable
        return listing.order_by("-date", "-pk")

    def loaded_for_listing(self):
        """`LISTING_FIELDS` only, the images joined, and the renditions a listing shows as
        Wagtail's `prefetched_renditions` (`ListingIterable`: a list, no manager per image)."""
        listing = self.only(*LISTING_FIELDS).select_related("main_image")
        listing._iterable_class = ListingIterable
        return listing


NewsPageManager = PageManager.from_queryset(NewsPageQuerySet)


class NewsPage(TreeTop, ViewRestrictionsInOneQuery, Page):
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
    show_in_parent_feed = models.BooleanField(
        _("show in the parent organization's feed"),
        default=False,
        help_text=_(
            "The news item will appear, with a link to this page, among the organizations' "
            "news on the sites of the territorial and regional organizations."
        ),
    )

    show_on_sites_below = models.BooleanField(
        _("to the organizations' sites"),
        default=False,
        help_text=_(
            "For the regional and territorial organizations: the news item will appear, with "
            "a link to this page, among the news of the organizations above on the sites of "
            "the organizations below."
        ),
    )

    for_social_partners = models.BooleanField(
        _("for the social partners"),
        default=False,
        help_text=_(
            "The news item will go to the organization's social partners in the monthly letter."
        ),
    )

    objects = NewsPageManager()

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("lead"),
        FieldPanel("main_image"),
        FieldPanel("body"),
        FieldPanel("tags"),
        FieldPanel("show_in_parent_feed"),
        FieldPanel("show_on_sites_below"),
        FieldPanel("for_social_partners"),
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
    base_form_class = NewsPageForm

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        # The news flow's: a region's flagged news by their home pages (home/tree_top.py).
        indexes = [
            models.Index(
                fields=["tree_top"], condition=Q(show_in_parent_feed=True), name="news_flow"
            ),
            # News down the tree (news/flow.py HigherFeed): the sites above's flagged news.
            models.Index(
                fields=["tree_top"], condition=Q(show_on_sites_below=True), name="news_down"
            ),
            # The monthly letter to the organization's social partners (sites/partners/news.py).
            models.Index(
                fields=["tree_top"], condition=Q(for_social_partners=True), name="news_partners"
            ),
        ]

    def clean(self):
        super().clean()
        # The news index answers `organizatsiy/` itself (the organizations' news): a news item
        # with that address could never be reached.
        if self.slug == ORGANIZATIONS_SLUG:
            raise ValidationError(
                {"slug": _("This address is taken by the organizations' news. Choose another.")}
            )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        url_parts = self.get_url_parts(request)
        root_url = url_parts[1] if url_parts else ""
        # The address on the page's own site, whatever host the request came by.
        canonical_url = root_url + url_parts[2] if root_url and url_parts[2] else ""
        previous_news, next_news = self.neighbours()
        url = self.get_url(request)
        if url is not None:
            # The news index and the neighbours are found from this page's URL, no query.
            index_url = parent_url(url)
            previous_news, next_news = (
                with_urls_below([news], self.get_parent(), index_url)[0] if news else None
                for news in (previous_news, next_news)
            )
            context["news_index_url"] = index_url
        context.update(
            canonical_url=canonical_url,
            site_root_url=root_url or "",
            share_links=share_links(canonical_url, self.title),
            previous_news=previous_news,
            next_news=next_news,
        )
        return context

    def neighbours(self):
        """The older and the newer live news item in the same news index that the index
        lists (none under a view restriction this page has not passed), in the listing's
        order (date, then id), or None at either end: two small queries, of their titles
        and paths only."""
        if not self.pk or not self.path:  # a preview of a page not saved yet
            return None, None
        passed, values = listing_values(self.path[: -self.steplen], self)
        database = connections[router.db_for_read(NewsPage)]
        values.update(
            depth=self.depth, pk=self.pk, date=database.ops.adapt_datefield_value(self.date)
        )
        older = _OLDER((passed,), **values)
        newer = _NEWER((passed,), **values)
        return (older[0] if older else None, newer[0] if newer else None)


def listing_under(ancestor, shown_on, start, stop, cards=True):
    """The list `NewsPage.objects.for_listing(ancestor, shown_on)[start:stop]` gives, by the
    same query, prepared (home/prepared.py): built and compiled once, not on every view.
    `cards`: loaded for their cards (`load_for_cards()`, tags included) as well."""
    passed, values = listing_values(ancestor, shown_on)
    items = _LISTING_UNDER((passed, start, stop), **values)
    if cards:
        load_for_cards(items, items)
    return items


_LISTING_UNDER = Prepared(
    lambda passed, start, stop: (
        NewsPage.objects.live()
        .filter(listing_slots(passed))
        .only(*LISTING_FIELDS)
        .select_related("main_image")
        .order_by("-date", "-pk")[start:stop]
    )
)


def _neighbour(newer):
    """The prepared query of `NewsPage.neighbours()`: the older (or the newer) one."""

    def build(passed):
        if newer:
            after = Q(date__gt=Slot("date")) | Q(date=Slot("date"), pk__gt=Slot("pk"))
            order = ("date", "pk")
        else:
            after = Q(date__lt=Slot("date")) | Q(date=Slot("date"), pk__lt=Slot("pk"))
            order = ("-date", "-pk")
        return (
            NewsPage.objects.live()
            .filter(listing_slots(passed), depth=Slot("depth"))
            .exclude(pk=Slot("pk"))
            .filter(after)
            .only("title", "url_path")
            .order_by(*order)[:1]
        )

    return Prepared(build)


_OLDER = _neighbour(newer=False)
_NEWER = _neighbour(newer=True)


def share_links(url, title):
    """Plain share links, no third-party scripts: (key, network name, share URL) each."""
    if not url:
        return []
    url = quote(url, safe="")
    text = quote(title, safe="")
    return [
        ("vk", "ВКонтакте", f"https://vk.com/share.php?url={url}"),
        ("ok", "Одноклассники", f"https://connect.ok.ru/offer?url={url}"),
        ("telegram", "Telegram", f"https://t.me/share/url?url={url}&text={text}"),
    ]
