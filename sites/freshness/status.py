"""The freshness of each organization's site, from page data (never from Wagtail's log
entries: imported and platform-made pages have none): `freshness_rows()` returns an
`OrganizationFreshness` per organization, with its `Status`, in a fixed number of queries.
The admin reports, the command, the home panel and the reminders all read these rows."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from directory.models import Organization, folded
from sites.freshness.models import SiteNewsDay
from sites.network.roles import is_network_admin


def current_time():
    """The reports' clock: the admin views, the command and `freshness_rows()` without `now`
    read it. Tests replace it to fix "today"."""
    return timezone.now()


class Status(models.TextChoices):
    """The freshness status, as the Russian word used in the admin, exports and the command.
    Declared from the best to the worst: `Status.rank()` and `status_rank` sort by it.

    From the days between the local date (the installation's time zone) of the latest
    `last_published_at` in the site's tree and today: «актуален» up to
    ``FRESHNESS_CURRENT_DAYS`` (30 days is still current), «устаревает» up to
    ``FRESHNESS_STALE_DAYS`` (31 to 90), «заброшен» beyond (91 and more). «пуст»: nothing
    beyond the site template was ever published; onboarding (sites/onboarding/services.py)
    publishes every copied page with one timestamp, so the site is empty when its latest
    publication is no later than `summary.EMPTY_TOLERANCE` after its home page's
    `first_published_at` (republishing the home page moves its `last_published_at` only:
    that is an update).
    «нет сайта»: the organization has no `Site` (never onboarded, or taken off line)."""

    CURRENT = "актуален", "актуален"
    AGING = "устаревает", "устаревает"
    ABANDONED = "заброшен", "заброшен"
    EMPTY = "пуст", "пуст"
    NO_SITE = "нет сайта", "нет сайта"

    @classmethod
    def rank(cls, status):
        return list(cls).index(status)


@dataclass(frozen=True)
class Thresholds:
    """Days, from the settings unless given: see `Status` for the boundaries."""

    current_days: int
    stale_days: int
    news_days: int

    @classmethod
    def from_settings(cls):
        return cls(
            current_days=settings.FRESHNESS_CURRENT_DAYS,
            stale_days=settings.FRESHNESS_STALE_DAYS,
            news_days=settings.FRESHNESS_NEWS_DAYS,
        )


def status_for_days(days, thresholds=None):
    """The status of a site whose latest publication was `days` days ago (not empty)."""
    thresholds = thresholds or Thresholds.from_settings()
    if days <= thresholds.current_days:
        return Status.CURRENT
    if days <= thresholds.stale_days:
        return Status.AGING
    return Status.ABANDONED


@dataclass(frozen=True, slots=True)
class OrganizationFreshness:
    """One organization's freshness, as of `today`. Registry fields are copied so that the
    row can be shown and exported without touching the database again."""

    organization_id: int
    code: str
    name: str  # the full name (the registry's `name`)
    short_name: str
    kind: str  # Organization.Kind value: "regional", "territorial", "primary"
    parent_id: int | None
    parent_code: str  # "" for the regional organization
    parent_short_name: str
    editors_group_id: int | None
    site_id: int | None
    hostname: str  # the Site's hostname, "" without a site
    site_url: str  # the Site's root URL with a trailing slash, "" without a site
    root_page_id: int | None
    root_path: str  # Page.path of the site's root page, "" without a site
    root_url_path: str  # its Page.url_path, "" without a site
    last_update: datetime | None  # the latest last_published_at in the site's tree
    last_news: date | None  # the latest `date` of a live news item
    news_recent: int  # live news dated within the last `news_days` days
    report_years: frozenset  # years of the live public reports
    contacts_complete: bool  # see `freshness_rows()`
    editors: int  # active users in the editors' group
    status: Status
    today: date

    @property
    def has_site(self):
        return self.site_id is not None

    @property
    def kind_label(self):
        return Organization.Kind(self.kind).label

    @property
    def last_update_date(self):
        """The local date of the latest publication, or None."""
        return timezone.localdate(self.last_update) if self.last_update else None

    @property
    def days_since_update(self):
        date_ = self.last_update_date
        return None if date_ is None else (self.today - date_).days

    @property
    def last_report_year(self):
        return max(self.report_years, default=None)

    def has_report_for(self, year):
        return year in self.report_years


# Scope: who sees which rows ------------------------------------------------------------------


# Superusers and regional admins see every organization.
has_full_access = is_network_admin


def visible_organizations(user):
    """The organizations whose freshness `user` may see: all for superusers and regional
    admins; for an editor, the organizations whose editors' group they are in and, for a
    territorial organization, its primaries; nothing for anyone else."""
    organizations = Organization.objects.all()
    if has_full_access(user):
        return organizations
    if not user.is_authenticated or not user.is_active:
        return organizations.none()
    own = Organization.objects.filter(editors_group__user=user)
    territorial = own.filter(kind=Organization.Kind.TERRITORIAL)
    return organizations.filter(Q(pk__in=own.values("pk")) | Q(parent__in=territorial))


BATCH = 2000  # rows read at a time when every row is read


# Computation ---------------------------------------------------------------------------------


def _day_start(day):
    """The aware datetime at which `day` begins in the installation's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def today_of(now=None):
    """The local date of `now` (default: `current_time()`)."""
    return timezone.localdate(now or current_time())


def thresholds_of(thresholds=None):
    return thresholds or Thresholds.from_settings()


def with_status(organizations, *, now=None, thresholds=None):
    """`organizations` annotated with their status as `status_value` (`status_expression()`)."""
    return organizations.annotate(
        status_value=status_expression(today_of(now), thresholds_of(thresholds))
    )


def status_counts(organizations, *, now=None, thresholds=None):
    """A Counter of the statuses of `organizations`: one GROUP BY query."""
    grouped = (
        with_status(organizations, now=now, thresholds=thresholds)
        .order_by()
        .values_list("status_value")
        .annotate(n=Count("pk"))
    )
    return Counter({Status(status): n for status, n in grouped})


def status_expression(today, thresholds):
    """The status of each organization in SQL, from its kept figures (`SiteFreshness`): a
    site updated on or after the local day `today - current_days` is current, and so on."""
    return Case(
        When(site__isnull=True, then=Value(Status.NO_SITE.value)),
        When(Q(freshness__isnull=True) | Q(freshness__empty=True), then=Value(Status.EMPTY.value)),
        When(
            freshness__last_update__gte=_day_start(today - timedelta(days=thresholds.current_days)),
            then=Value(Status.CURRENT.value),
        ),
        When(
            freshness__last_update__gte=_day_start(today - timedelta(days=thresholds.stale_days)),
            then=Value(Status.AGING.value),
        ),
        default=Value(Status.ABANDONED.value),
        output_field=CharField(),
    )


def rank_of(field, values):
    """The position of `field`'s value among `values`, in SQL, for sorting in their order."""
    return Case(
        *(When(**{field: value}, then=Value(rank)) for rank, value in enumerate(values)),
        output_field=IntegerField(),
    )


def figured(organizations=None, *, now=None, thresholds=None):
    """`organizations` (a QuerySet of `Organization`; all by default) annotated with what a
    freshness row has beyond the registry and the kept figures, for the reports to filter,
    sort and count in SQL: `status_value`, `status_rank`, `kind_rank`, `news_recent`,
    `editors`, `contacts_ok`. `as_values()` adds the rest; `to_row()` makes a row.

    - `last_update`: the latest `last_published_at` of any page in the site's tree, live or
      since unpublished (publishing it was an update all the same);
    - `last_news`, `news_recent`: the latest `date` of the live news items, and how many are
      dated within the last `news_days` days (today minus `news_days` included);
    - `report_years`: the years of the live public reports;
    - `contacts_complete`: the site's live contacts page (directly under its home page) has
      an address, a phone and an e-mail: that is what members see and editors keep up to
      date; an organization without a site is judged by its registry entry;
    - `editors`: the active users of its editors' group.
    The site's figures are kept in `SiteFreshness` and `SiteNewsDay` (sites/freshness/
    summary.py): only what depends on the day is computed here."""
    organizations = Organization.objects.all() if organizations is None else organizations
    thresholds = thresholds_of(thresholds)
    since = today_of(now) - timedelta(days=thresholds.news_days)
    news = (
        SiteNewsDay.objects.filter(organization=OuterRef("pk"), date__gte=since)
        .order_by()
        .values("organization")
        .annotate(n=Sum("count"))
        .values("n")
    )
    members = (
        get_user_model()
        .groups.through.objects.filter(group=OuterRef("editors_group_id"), user__is_active=True)
        .order_by()
        .values("group")
        .annotate(n=Count("user", distinct=True))
        .values("n")
    )
    registry_contacts = ~Q(address="") & ~Q(phone="") & ~Q(email="")
    return with_status(organizations, now=now, thresholds=thresholds).annotate(
        status_rank=rank_of("status_value", Status.values),  # from the best to the worst
        kind_rank=rank_of("kind", Organization.Kind.values),
        news_recent=Coalesce(Subquery(news), 0),
        editors=Coalesce(Subquery(members), 0),
        contacts_ok=Case(
            When(site__isnull=True, then=ExpressionWrapper(registry_contacts, BooleanField())),
            default=Coalesce("freshness__contacts_complete", Value(False)),
            output_field=BooleanField(),
        ),
    )


def as_values(figured_organizations):
    """`figured()` organizations as the plain values of their rows (`to_row()`): joined to
    their sites, root pages, parents and kept figures."""
    return figured_organizations.values(
        "pk",
        "code",
        "name",
        "short_name",
        "kind",
        "parent_id",
        "editors_group_id",
        "site_id",
        "status_value",
        "news_recent",
        "editors",
        "contacts_ok",
        parent_code=F("parent__code"),
        parent_short_name=F("parent__short_name"),
        site_hostname=F("site__hostname"),
        port=F("site__port"),
        root_page_id=F("site__root_page_id"),
        root_path=F("site__root_page__path"),
        root_url_path=F("site__root_page__url_path"),
        last_update=F("freshness__last_update"),
        last_news=F("freshness__last_news"),
        report_years=F("freshness__report_years"),
    )


def annotated(organizations=None, *, now=None, thresholds=None):
    """`figured()` and `as_values()`: every figure of a row, in one query."""
    return as_values(figured(organizations, now=now, thresholds=thresholds))


def to_row(values, today):
    """The `OrganizationFreshness` of one of `annotated()`'s values."""
    has_site = values["site_id"] is not None
    years = values["report_years"] or ""
    return OrganizationFreshness(
        organization_id=values["pk"],
        code=values["code"],
        name=values["name"],
        short_name=values["short_name"],
        kind=values["kind"],
        parent_id=values["parent_id"],
        parent_code=values["parent_code"] or "",
        parent_short_name=values["parent_short_name"] or "",
        editors_group_id=values["editors_group_id"],
        site_id=values["site_id"],
        hostname=values["site_hostname"] if has_site else "",
        site_url=_root_url(values["site_hostname"], values["port"]) if has_site else "",
        root_page_id=values["root_page_id"],
        root_path=values["root_path"] if has_site else "",
        root_url_path=values["root_url_path"] if has_site else "",
        last_update=values["last_update"] if has_site else None,
        last_news=values["last_news"] if has_site else None,
        news_recent=values["news_recent"] or 0,
        report_years=frozenset(int(year) for year in years.split(",") if year),
        contacts_complete=bool(values["contacts_ok"]),
        editors=values["editors"] or 0,
        status=Status(values["status_value"]),
        today=today,
    )


class Rows:
    """`figured()` organizations, filtered and ordered, as freshness rows made only for the
    slice that is read: a paginator counts and slices them in SQL, the ids of the slice
    first (from the registry and the kept figures alone), then their rows (joined to their
    sites and root pages); iterating reads every row in batches. `then` (a list of rows → a
    list of items) makes the items of a listing over the rows."""

    def __init__(self, organizations, today, then=None):
        self.organizations, self.today = organizations, today
        self.then = then or (lambda rows: rows)

    def count(self):
        if not hasattr(self, "_count"):
            self._count = self.organizations.count()
        return self._count

    def __len__(self):  # a count query: `list(rows)` would ask for it first, `[*iter(rows)]` not
        return self.count()

    def _items(self, values):
        return self.then([to_row(row, self.today) for row in values])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = list(self.organizations.values_list("pk", flat=True)[index])
        return self._items(as_values(self.organizations.filter(pk__in=ids)))

    def __iter__(self):
        rows = []
        for values in as_values(self.organizations).iterator(chunk_size=BATCH):
            rows.append(values)
            if len(rows) == BATCH:
                yield from self._items(rows)
                rows = []
        yield from self._items(rows)


def rows(organizations=None, *, now=None, thresholds=None, order=("code",), **filters):
    """The freshness rows of `organizations` (all by default), lazily: `filters` as
    `filtered()` takes them, in the `order` given (`columns.order_by()` makes one)."""
    organizations = filtered(figured(organizations, now=now, thresholds=thresholds), **filters)
    return Rows(organizations.order_by(*order), today_of(now))


def has_report(year):
    """A condition on `annotated()` values: a live public report for `year` is published."""
    return Q(freshness__report_years__contains=f",{int(year)},")


def freshness_rows(organizations=None, *, now=None, thresholds=None):
    """One `OrganizationFreshness` per organization of `organizations` (a QuerySet of
    `Organization`; all by default), ordered by code, in one query whatever their number
    (see `annotated()` for the figures).

    `now` (an aware datetime; default: `current_time()`) fixes "today" for the statuses and
    the news window; `thresholds` default to the settings."""
    return [*iter(rows(organizations, now=now, thresholds=thresholds))]


def _root_url(hostname, port):
    """As `Site.root_url`, with a trailing slash."""
    if port == 80:
        return f"http://{hostname}/"
    if port == 443:
        return f"https://{hostname}/"
    return f"http://{hostname}:{port}/"


# Filtering rows ------------------------------------------------------------------------------


def filtered(values, *, statuses=None, missing_report_year=None, query=""):
    """`figured()` organizations with one of `statuses`, without a live public report for
    `missing_report_year`, and whose code, name or short name contains `query` (any case,
    «ё» as «е», on both databases: names are matched folded, `directory.models.folded()`)."""
    if statuses:
        values = values.filter(status_value__in=[Status(status).value for status in statuses])
    if missing_report_year:
        values = values.exclude(has_report(missing_report_year))
    query = (query or "").strip()
    if query:
        values = values.filter(Q(search_name__contains=folded(query)) | Q(code__icontains=query))
    return values
