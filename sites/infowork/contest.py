"""The information-work contest (смотр-конкурс): a yearly rating of the organizations' sites from
what they did, measured, never declared. The formula is shown with the rating:

    score = 40 × (months of the year with news) / 12
          + 20 × (the year's public report published)
          + 10 × (contacts complete: address, phone and e-mail on the site's contacts page)
          + 15 × min(news flagged for the organization above, 12) / 12
          + 15 × min(events, 6) / 6

Out of 100. Five queries whatever the number of organizations: news by month from the figures
kept per site (sites/freshness/summary.py), flagged news and events by the tree top kept on
their rows (home/tree_top.py), the reports by their home page's path."""

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.db.models.functions import ExtractMonth

from events.models import EventPage
from home.listing import PathPrefix
from home.tree_top import TOP_LENGTH
from news.models import NewsPage
from reports.models import PublicReportPage
from sites.freshness.models import SiteNewsDay
from sites.infowork.figures import below_region

FLOW_CAP, EVENTS_CAP = 12, 6
FORMULA = [
    ("Регулярность новостей", 40, "месяцев с новостями из 12"),
    ("Публичный отчёт за год", 20, "опубликован — все баллы"),
    ("Полные контакты", 10, "адрес, телефон и e-mail на странице контактов"),
    ("Новости в ленте вышестоящей организации", 15, f"за каждую 1/{FLOW_CAP}, до {FLOW_CAP}"),
    ("События", 15, f"за каждое 1/{EVENTS_CAP}, до {EVENTS_CAP}"),
]


@dataclass(frozen=True)
class Entry:
    pk: int
    code: str
    short_name: str
    kind: str
    territorial: str
    news_months: int
    report: bool
    contacts: bool
    flow: int
    events: int
    place: int = 0

    @property
    def score(self):
        value = (
            Decimal(40) * self.news_months / 12
            + (20 if self.report else 0)
            + (10 if self.contacts else 0)
            + Decimal(15) * min(self.flow, FLOW_CAP) / FLOW_CAP
            + Decimal(15) * min(self.events, EVENTS_CAP) / EVENTS_CAP
        )
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rating(organizations, year):
    """An Entry for each territorial and primary organization with a site among
    `organizations`, best first (ties share a place, then by name)."""
    organizations = below_region(organizations).filter(site__isnull=False)
    roots = organizations.values("site__root_page__path")
    registry = organizations.values_list(
        "pk",
        "code",
        "short_name",
        "kind",
        "parent__short_name",
        "site__root_page__path",
        "freshness__contacts_complete",
    ).order_by()
    months = dict(
        SiteNewsDay.objects.filter(organization__in=organizations, date__year=year)
        .annotate(month=ExtractMonth("date"))
        .order_by()
        .values_list("organization")
        .annotate(n=Count("month", distinct=True))
    )
    flow = _by_top(
        NewsPage.objects.filter(live=True, show_in_parent_feed=True, date__year=year), roots
    )
    events = _by_top(EventPage.objects.filter(live=True, start__year=year), roots)
    reported = set(
        PublicReportPage.objects.filter(live=True, year=year)
        .annotate(root=PathPrefix("path", TOP_LENGTH))
        .filter(root__in=roots)
        .values_list("root", flat=True)
    )
    entries = [
        Entry(
            pk=pk,
            code=code,
            short_name=short_name,
            kind=kind,
            territorial=short_name if kind == "territorial" else parent or "",
            news_months=months.get(pk, 0),
            report=root in reported,
            contacts=bool(contacts),
            flow=flow.get(root, 0),
            events=events.get(root, 0),
        )
        for pk, code, short_name, kind, parent, root, contacts in registry
    ]
    entries.sort(key=lambda entry: (-entry.score, entry.short_name.casefold(), entry.code))
    ranked, place, previous = [], 0, None
    for number, entry in enumerate(entries, start=1):
        if entry.score != previous:
            place, previous = number, entry.score
        ranked.append(replace(entry, place=place))
    return ranked


def _by_top(pages, roots):
    """{home page path: how many of `pages`} for the sites rooted at `roots`: one query."""
    return dict(
        pages.filter(tree_top__in=roots).order_by().values_list("tree_top").annotate(n=Count("pk"))
    )
