"""Events of an organization: a page each (when, where or online, how to register, a short
text and an image) under the site's «События», which lists the upcoming ones and the past,
and gives the site's iCalendar feed; each event gives its own .ics to add it to a calendar.
An event flagged for the parent organization shows on the sites above it, as news do
(news/flow.py); the home page shows the nearest ones (events/templatetags/events_tags.py)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from events import calendar
from events.forms import EventPageForm
from home.listing import paginate, unrestricted
from home.serving import ViewRestrictionsInOneQuery
from home.tree_top import TreeTop

RICH_TEXT = ["bold", "italic", "ol", "ul", "link"]
PAST_PER_PAGE = 10


def upcoming(now):
    """The events not over at `now`: those ending later, or without an end, starting later."""
    return models.Q(end__gte=now) | models.Q(end=None, start__gte=now)


class EventIndexPage(RoutablePageMixin, ViewRestrictionsInOneQuery, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count_per_parent = 1
    template = "events/event_index_page.html"

    class Meta:
        verbose_name = _("events index")
        verbose_name_plural = _("events indexes")

    def events(self):
        return unrestricted(EventPage.objects.live().child_of(self), self).select_related("image")

    @path("")
    def index(self, request):
        now = timezone.now()
        events = self.events()
        coming = events.filter(upcoming(now))
        past = events.exclude(pk__in=coming.values("pk")).order_by("-start")
        return self.render(
            request,
            context_overrides={
                "upcoming": list(coming.order_by("start")[:50]),
                "past": paginate(past, request, per_page=PAST_PER_PAGE),
                "calendar_url": self.get_url(request) + self.reverse_subpage("ical"),
            },
        )

    @path("ical/", name="ical")
    def ical_feed(self, request):
        """The site's events as an iCalendar feed: upcoming and the last year's."""
        since = timezone.now() - timedelta(days=365)
        events = self.events().filter(start__gte=since).order_by("start")[:500]
        return calendar.response(events, request, name=self.get_site().site_name or self.title)


class EventPage(TreeTop, RoutablePageMixin, ViewRestrictionsInOneQuery, Page):
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    registration_url = models.URLField(_("registration link"), blank=True)
    registration_form = models.ForeignKey(
        "webforms.FormPage",
        verbose_name=_("registration form on this site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField(_("short text"), max_length=500)
    text = RichTextField(_("text"), blank=True, features=RICH_TEXT)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    show_in_parent_feed = models.BooleanField(
        _("show in the parent organization's feed"), default=False
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        MultiFieldPanel([FieldPanel("place"), FieldPanel("online_url")], heading=_("Where")),
        MultiFieldPanel(
            [
                FieldPanel("registration_url"),
                PageChooserPanel("registration_form", "webforms.FormPage"),
            ],
            heading=_("Registration"),
        ),
        FieldPanel("summary"),
        FieldPanel("image"),
        FieldPanel("text"),
        FieldPanel("show_in_parent_feed"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("text")]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types = []
    template = "events/event_page.html"
    base_form_class = EventPageForm

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        # The events flow's: a region's flagged events by their home pages (home/tree_top.py).
        indexes = [
            models.Index(
                fields=["tree_top"],
                condition=models.Q(show_in_parent_feed=True),
                name="events_flow",
            )
        ]

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = "Окончание не может быть раньше начала."
        if not self.place and not self.online_url:
            errors["place"] = "Укажите место или ссылку на трансляцию."
        if self.registration_form_id and not self._on_this_site(self.registration_form_id):
            errors["registration_form"] = "Выберите форму на сайте этой организации."
        if errors:
            raise ValidationError(errors)

    def _on_this_site(self, page_id):
        """Is page `page_id` on this event's site? (An id from the request: hostile.)"""
        parent = getattr(self, "_event_parent", None)
        path = self.path or (parent.path if parent else "")
        if len(path) < 2 * self.steplen:
            return False
        home_path = path[: 2 * self.steplen]  # the home page: depth 2
        return Page.objects.filter(pk=page_id, path__startswith=home_path).exists()

    @property
    def is_past(self):
        return (self.end or self.start) < timezone.now()

    @path("")
    def detail(self, request):
        return self.render(request, context_overrides={"ics_url": self.get_url(request) + "ical/"})

    @path("ical/")
    def ics(self, request):
        if self.pk is None:
            raise Http404
        return calendar.response([self], request, name=self.title, filename=self.slug)
