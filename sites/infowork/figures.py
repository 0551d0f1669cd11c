"""The year's information work in figures, for the presidium's yearly tables and the admin's
reports: each organization's public report for the year (published, sent to social partners,
its budget shares against the union's recommendations) and the social partners informed per
territorial organization. Each is a fixed number of queries whatever the number of
organizations: a report is its organization's by the path of its site's home page."""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from django.db.models import Case, Count, F, Max, Q, When
from wagtail.models import Site

from directory.models import Organization
from home.listing import URL_PATH_SAFE, PathPrefix
from home.tree_top import TOP_LENGTH
from partners.models import ReportSending, SocialPartner
from reports.models import PublicReportPage

# The union's recommendations: (lowest, highest) share of an organization's budget, in %.
INFO_WORK = (Decimal(4), Decimal(6))
TRAINING = (Decimal(6), Decimal(10))

BELOW, WITHIN, ABOVE, NOT_GIVEN = (
    "ниже рекомендуемой",
    "в пределах рекомендуемой",
    "выше рекомендуемой",
    "не указана",
)


def assessment(value, recommended):
    if value is None:
        return NOT_GIVEN
    low, high = recommended
    if value < low:
        return BELOW
    return ABOVE if value > high else WITHIN


@dataclass(frozen=True)
class OrganizationYear:
    """An organization's public report for the year, if published, and its letters."""

    pk: int
    code: str
    short_name: str
    kind: str
    territorial: str  # its territorial organization's short name (its own, for one)
    has_site: bool
    report_title: str = ""
    report_url: str = ""
    info_share: Decimal | None = None
    training_share: Decimal | None = None
    partners_informed: int = 0
    letters: int = 0
    last_sent: object = None

    @property
    def published(self):
        return bool(self.report_url)

    @property
    def kind_label(self):
        return Organization.Kind(self.kind).label

    @property
    def info_assessment(self):
        return assessment(self.info_share, INFO_WORK) if self.published else ""

    @property
    def training_assessment(self):
        return assessment(self.training_share, TRAINING) if self.published else ""


def below_region(organizations):
    """The territorial and primary organizations among `organizations`."""
    kinds = [Organization.Kind.TERRITORIAL, Organization.Kind.PRIMARY]
    return organizations.filter(kind__in=kinds)


def organization_years(organizations, year):
    """An OrganizationYear for each territorial and primary organization of `organizations`,
    by territorial organization (itself first, then its primaries by name): three queries."""
    organizations = below_region(organizations)
    registry = organizations.values_list(
        "pk",
        "code",
        "short_name",
        "kind",
        "parent__short_name",
        "site__root_page__path",
        "site__root_page__url_path",
        "site__hostname",
        "site__port",
    ).order_by()
    reports = {}
    found = (
        PublicReportPage.objects.filter(live=True, year=year)
        .annotate(root=PathPrefix("path", TOP_LENGTH))
        .filter(root__in=organizations.values("site__root_page__path"))
        .order_by("path")
        .values_list("root", "title", "url_path", "info_budget_share", "training_budget_share")
    )
    for root, *report in found:
        reports.setdefault(root, report)
    letters = {
        row["organization_id"]: row
        for row in ReportSending.objects.filter(year=year, ok=True, organization__in=organizations)
        .values("organization_id")
        .annotate(
            partners=Count("partner_id", distinct=True), letters=Count("pk"), last=Max("sent_at")
        )
        .order_by()
    }
    rows = []
    for pk, code, short, kind, parent, root, root_url_path, host, port in registry:
        report = reports.get(root) if root else None
        sent = letters.get(pk, {})
        fields = {}
        if report is not None:
            title, url_path, info, training = report
            fields = {
                "report_title": title,
                "report_url": Site(hostname=host, port=port).root_url
                + "/"
                + quote(url_path[len(root_url_path) :], safe=URL_PATH_SAFE),
                "info_share": info,
                "training_share": training,
            }
        rows.append(
            OrganizationYear(
                pk=pk,
                code=code,
                short_name=short,
                kind=kind,
                territorial=short if kind == Organization.Kind.TERRITORIAL else parent or "",
                has_site=root is not None,
                partners_informed=sent.get("partners", 0),
                letters=sent.get("letters", 0),
                last_sent=sent.get("last"),
                **fields,
            )
        )
    rows.sort(
        key=lambda row: (
            row.territorial.casefold(),
            row.kind != Organization.Kind.TERRITORIAL,
            row.short_name.casefold(),
            row.code,
        )
    )
    return rows


@dataclass(frozen=True)
class PartnersLine:
    territorial: str
    partners: int
    informed: int
    letters: int


def partners_by_territorial(organizations, year):
    """Per territorial organization (it and its primaries among `organizations`): its social
    partners, those who received a public report for `year`, the letters: three queries."""
    organizations = below_region(organizations)
    names = dict(
        organizations.filter(kind=Organization.Kind.TERRITORIAL).values_list("pk", "short_name")
    )
    partners = Counter(
        dict(
            SocialPartner.objects.filter(organization__in=organizations)
            .annotate(group=_group("organization__"))
            .order_by()
            .values_list("group")
            .annotate(n=Count("pk"))
        )
    )
    sent = (
        ReportSending.objects.filter(year=year, ok=True, organization__in=organizations)
        .annotate(group=_group("organization__"))
        .order_by()
        .values_list("group")
        .annotate(informed=Count("partner_id", distinct=True), letters=Count("pk"))
    )
    sent = {group: (informed, letters) for group, informed, letters in sent}
    lines = [
        PartnersLine(name, partners[pk], *sent.get(pk, (0, 0)))
        for pk, name in sorted(names.items(), key=lambda item: item[1].casefold())
    ]
    return lines


def _group(prefix):
    kind = f"{prefix}kind"
    return Case(
        When(Q(**{kind: Organization.Kind.TERRITORIAL}), then=F(f"{prefix}pk")),
        default=F(f"{prefix}parent_id"),
    )
