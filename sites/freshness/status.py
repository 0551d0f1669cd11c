"""The freshness of each organization's site, from page data (never from Wagtail's log
entries: imported and platform-made pages have none): `freshness_rows()` returns an
`OrganizationFreshness` per organization, with its `Status`, in a fixed number of queries.
The admin reports, the command, the home panel and the reminders all read these rows."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from wagtail.models import Page

from directory.models import ContactsPage, Organization
from news.models import NewsPage
from reports.models import PublicReportPage
from sites.freshness.roots import ROOT_LIST_LIMIT, pages_by_root
from sites.network.roles import is_network_admin

# Onboarding stamps all copied pages with one `now`; a minute covers a slow transaction.
EMPTY_TOLERANCE = timedelta(minutes=1)


def current_time():
    """The reports' clock: the admin views, the command and `freshness_rows()` without `now`
    read it. Tests replace it to fix "today"."""
    return timezone.now()


class Status(models.TextChoices):
    """The freshness status, as the Russian word used in the admin, exports and the command.
    Declared from the best to the worst: `Status.rank()` sorts by it.

    From the days between the local date (the installation's time zone) of the latest
    `last_published_at` in the site's tree and today: «актуален» up to
    ``FRESHNESS_CURRENT_DAYS`` (30 days is still current), «устаревает» up to
    ``FRESHNESS_STALE_DAYS`` (31 to 90), «заброшен» beyond (91 and more). «пуст»: nothing
    beyond the site template was ever published; onboarding (sites/onboarding/services.py)
    publishes every copied page with one timestamp, so the site is empty when its latest
    publication is no later than `EMPTY_TOLERANCE` after its home page's `first_published_at`
    (republishing the home page moves its `last_published_at` only: that is an update).
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


# Computation ---------------------------------------------------------------------------------


def freshness_rows(organizations=None, *, now=None, thresholds=None):
    """One `OrganizationFreshness` per organization of `organizations` (a QuerySet of
    `Organization`; all by default), ordered by code. At most six queries whatever the number
    of organizations (two, plus four per distinct depth of the site roots: one with flat
    trees); fewer when there is nothing to aggregate. Pages are grouped by their site root
    (`pages_by_root()`), so nothing assumes the depth of a site's tree.

    `now` (an aware datetime; default: `current_time()`) fixes "today" for the statuses and
    the news window; `thresholds` default to the settings.

    - `last_update`: the latest `last_published_at` of any page in the site's tree, live or
      since unpublished (publishing it was an update all the same);
    - `last_news`, `news_recent`: the latest `date` of the live news items, and how many are
      dated within the last `news_days` days (today minus `news_days` included);
    - `report_years`: the years of the live public reports;
    - `contacts_complete`: the site's live contacts page (directly under its home page) has
      an address, a phone and an e-mail: that is what members see and editors keep up to
      date; an organization without a site is judged by its registry entry;
    - `editors`: the active users of its editors' group.
    """
    organizations = Organization.objects.all() if organizations is None else organizations
    thresholds = thresholds or Thresholds.from_settings()
    today = timezone.localdate(now or current_time())
    # Plain values, not model instances: a tenth of the time for a few thousand rows.
    orgs = list(
        organizations.order_by("code").values(
            "pk",
            "code",
            "name",
            "short_name",
            "kind",
            "parent_id",
            "editors_group_id",
            "site_id",
            "address",
            "phone",
            "email",
            parent_code=F("parent__code"),
            parent_short_name=F("parent__short_name"),
            site_hostname=F("site__hostname"),
            port=F("site__port"),
            root_page_id=F("site__root_page_id"),
            root_path=F("site__root_page__path"),
            root_url_path=F("site__root_page__url_path"),
            root_first_published=F("site__root_page__first_published_at"),
        )
    )
    roots = {org["root_path"] for org in orgs if org["site_id"] and org["root_path"]}
    lengths = {len(root) for root in roots}
    last_update, last_news, news_recent = {}, {}, {}
    report_years, complete_contacts = defaultdict(set), set()
    since = today - timedelta(days=thresholds.news_days)
    for length in sorted(lengths):
        pages = (
            pages_by_root(Page, roots, length)
            .values("root")
            .annotate(last=Max("last_published_at"))
        )
        last_update.update((row["root"], row["last"]) for row in pages)
        news = (
            pages_by_root(NewsPage, roots, length)
            .filter(live=True)
            .values("root")
            .annotate(last=Max("date"), recent=Count("pk", filter=Q(date__gte=since)))
        )
        for row in news:
            last_news[row["root"]], news_recent[row["root"]] = row["last"], row["recent"]
        reports = (
            pages_by_root(PublicReportPage, roots, length)
            .filter(live=True)
            .values_list("root", "year")
            .distinct()
        )
        for root, year in reports:
            report_years[root].add(year)
        contacts = (
            pages_by_root(ContactsPage, roots, length)
            .filter(live=True, depth=length // Page.steplen + 1)
            .exclude(address="")
            .exclude(phone="")
            .exclude(email="")
            .values_list("root", flat=True)
        )
        complete_contacts.update(contacts)
    groups = [org["editors_group_id"] for org in orgs if org["editors_group_id"]]
    memberships = get_user_model().groups.through.objects.filter(user__is_active=True)
    if len(groups) <= ROOT_LIST_LIMIT:
        memberships = memberships.filter(group__in=groups)
    editors = dict(
        memberships.values("group")
        .annotate(n=Count("user", distinct=True))
        .values_list("group", "n")
    )

    rows = []
    for org in orgs:
        root = org["root_path"]
        has_site = org["site_id"] is not None and root is not None
        updated = last_update.get(root) if has_site else None
        first_published = org["root_first_published"]
        if not has_site:
            status = Status.NO_SITE
        elif updated is None or (
            first_published is not None and updated <= first_published + EMPTY_TOLERANCE
        ):
            status = Status.EMPTY
        else:
            status = status_for_days((today - timezone.localdate(updated)).days, thresholds)
        if has_site:
            contacts_ok = root in complete_contacts
        else:
            contacts_ok = bool(org["address"] and org["phone"] and org["email"])
        rows.append(
            OrganizationFreshness(
                organization_id=org["pk"],
                code=org["code"],
                name=org["name"],
                short_name=org["short_name"],
                kind=org["kind"],
                parent_id=org["parent_id"],
                parent_code=org["parent_code"] or "",
                parent_short_name=org["parent_short_name"] or "",
                editors_group_id=org["editors_group_id"],
                site_id=org["site_id"] if has_site else None,
                hostname=org["site_hostname"] if has_site else "",
                site_url=_root_url(org["site_hostname"], org["port"]) if has_site else "",
                root_page_id=org["root_page_id"] if has_site else None,
                root_path=root if has_site else "",
                root_url_path=org["root_url_path"] if has_site else "",
                last_update=updated,
                last_news=last_news.get(root) if has_site else None,
                news_recent=news_recent.get(root, 0) if has_site else 0,
                report_years=frozenset(report_years.get(root, ())) if has_site else frozenset(),
                contacts_complete=contacts_ok,
                editors=editors.get(org["editors_group_id"], 0),
                status=status,
                today=today,
            )
        )
    return rows


def _root_url(hostname, port):
    """As `Site.root_url`, with a trailing slash."""
    if port == 80:
        return f"http://{hostname}/"
    if port == 443:
        return f"https://{hostname}/"
    return f"http://{hostname}:{port}/"


# Filtering rows ------------------------------------------------------------------------------


def filter_rows(rows, *, statuses=None, missing_report_year=None, query=""):
    """The rows with one of `statuses`, without a live public report for
    `missing_report_year`, and whose code, name or short name contains `query` (any case)."""
    if statuses:
        statuses = {Status(status) for status in statuses}
        rows = [row for row in rows if row.status in statuses]
    if missing_report_year:
        rows = [row for row in rows if not row.has_report_for(missing_report_year)]
    query = (query or "").strip().casefold()
    if query:
        rows = [
            row
            for row in rows
            if query in row.code.casefold()
            or query in row.name.casefold()
            or query in row.short_name.casefold()
        ]
    return rows
