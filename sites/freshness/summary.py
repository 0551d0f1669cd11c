"""The freshness figures of every site kept in tables (`SiteFreshness`, `SiteNewsDay`), so that
the reports, the panel and the reminders read them in SQL, paged and counted there, instead of
aggregating over every page of the network on every view.

`refresh()` renews the figures of some organizations from their sites' pages. It runs when a
site's pages change: on publish, unpublish and move (Wagtail's signals, at once), on delete
(after the commit, once per site however many pages went) and at the end of onboarding and
offboarding, which write pages without signals (`connect()` wires the signals). Code that
writes pages in bulk with `QuerySet.update()` (the demo's backdating, tests) calls `refresh()`
itself; `manage.py refresh_freshness` renews every site."""

from collections import defaultdict
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from directory.models import ContactsPage, Organization
from home.kept import invalidate
from news.models import NewsPage
from reports.models import PublicReportPage
from sites.freshness.models import SiteFreshness, SiteNewsDay
from sites.freshness.roots import pages_by_root

# Onboarding stamps all copied pages with one `now`; a minute covers a slow transaction.
EMPTY_TOLERANCE = timedelta(minutes=1)
BATCH = 2000  # rows per INSERT


def _figures(roots):
    """root path → its site's figures, from the pages under `roots`: a fixed number of queries
    (four per distinct root path length, one with flat trees)."""
    figures = defaultdict(lambda: {"news_days": {}, "report_years": set(), "contacts": False})
    for length in sorted({len(root) for root in roots}):
        pages = pages_by_root(Page, roots, length).values("root")
        for row in pages.annotate(last=Max("last_published_at")):
            figures[row["root"]]["last_update"] = row["last"]
        news = pages_by_root(NewsPage, roots, length).filter(live=True).values("root", "date")
        for row in news.annotate(n=Count("pk")):
            figures[row["root"]]["news_days"][row["date"]] = row["n"]
        reports = pages_by_root(PublicReportPage, roots, length).filter(live=True)
        for root, year in reports.values_list("root", "year").distinct():
            figures[root]["report_years"].add(year)
        contacts = (
            pages_by_root(ContactsPage, roots, length)
            .filter(live=True, depth=length // Page.steplen + 1)
            .exclude(address="")
            .exclude(phone="")
            .exclude(email="")
            .values_list("root", flat=True)
        )
        for root in contacts:
            figures[root]["contacts"] = True
    return figures


@transaction.atomic
def refresh(organizations=None):
    """Renew the figures of `organizations` (a QuerySet of Organization, or ids; all by
    default) from their sites' pages. Those without a site are left without figures."""
    if organizations is None:
        organizations = Organization.objects.all()
    elif not hasattr(organizations, "values"):
        organizations = Organization.objects.filter(pk__in=list(organizations))
    # Two editors publishing on one site at once renew its figures one after the other: the
    # registry rows are locked (in the order of their ids) until the commit.
    ids = list(
        organizations.order_by("pk").select_for_update(of=("self",)).values_list("pk", flat=True)
    )
    organizations = Organization.objects.filter(pk__in=ids) if len(ids) <= BATCH else organizations
    orgs = list(
        organizations.filter(site__isnull=False).values_list(
            "pk", "site__root_page__path", "site__root_page__first_published_at"
        )
    )
    ids = organizations.values("pk")
    SiteNewsDay.objects.filter(organization__in=ids).delete()
    SiteFreshness.objects.filter(organization__in=ids).delete()
    figures = _figures({root for _, root, _ in orgs})
    summaries, days = [], []
    for pk, root, first_published in orgs:
        found = figures.get(root, {})
        updated = found.get("last_update")
        years = sorted(found.get("report_years", ()))
        news_days = found.get("news_days", {})
        summaries.append(
            SiteFreshness(
                organization_id=pk,
                last_update=updated,
                empty=updated is None
                or (first_published is not None and updated <= first_published + EMPTY_TOLERANCE),
                last_news=max(news_days, default=None),
                report_years="".join(f",{year}" for year in years) + "," if years else "",
                last_report_year=years[-1] if years else None,
                contacts_complete=found.get("contacts", False),
            )
        )
        days += [SiteNewsDay(organization_id=pk, date=d, count=n) for d, n in news_days.items()]
    SiteFreshness.objects.bulk_create(summaries, batch_size=BATCH)
    SiteNewsDay.objects.bulk_create(days, batch_size=BATCH)
    # What was kept of the figures (the admin home's network overview) is renewed.
    invalidate()
    return len(summaries)


# Which organization a page belongs to ---------------------------------------------------------


def organizations_of_paths(paths):
    """The ids of the organizations whose site's root is a page of `paths` or above one."""
    prefixes = {
        path[:length]
        for path in paths
        for length in range(Page.steplen, len(path) + 1, Page.steplen)
    }
    if not prefixes:
        return []
    return list(
        Organization.objects.filter(site__root_page__path__in=prefixes).values_list("pk", flat=True)
    )


def refresh_pages(paths):
    ids = organizations_of_paths(paths)
    if ids:
        refresh(ids)


def _pending():
    """The tree paths of the pages deleted in the current transaction, refreshed at commit."""
    if not hasattr(connection, "freshness_pending"):
        connection.freshness_pending = set()
    return connection.freshness_pending


def _refresh_pending():
    paths, connection.freshness_pending = _pending(), set()
    refresh_pages(paths)


# Signals ------------------------------------------------------------------------------------


def page_changed(sender, instance, **kwargs):
    refresh_pages([instance.path])


def page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    refresh_pages([parent_page_before.path, parent_page_after.path, instance.path])


def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        _pending().add(instance.path)
        transaction.on_commit(_refresh_pending)


def site_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh(Organization.objects.filter(site=instance))


def connect():
    page_published.connect(page_changed, dispatch_uid="freshness-published")
    page_unpublished.connect(page_changed, dispatch_uid="freshness-unpublished")
    post_page_move.connect(page_moved, dispatch_uid="freshness-moved")
    post_delete.connect(page_deleted, dispatch_uid="freshness-page-deleted")
    post_save.connect(site_saved, sender=Site, dispatch_uid="freshness-site")


def fill_if_missing(sender, using="default", **kwargs):
    """`post_migrate`: an installation upgraded to kept figures (or restored from a backup
    without them) gets them for every site, with the models as they are now."""
    sites = Organization.objects.using(using).filter(site__isnull=False)
    if sites.exists() and not SiteFreshness.objects.using(using).exists():
        refresh()
