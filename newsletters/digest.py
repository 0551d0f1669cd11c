"""The news digests (`manage.py send_news_digests`, run by cron every day): every confirmed
subscription whose period has passed gets one letter with the news published on its site
since it was last sent (and, if asked, those the organizations below flagged for it), with a
one-click unsubscribe link. Nothing is sent twice: a subscription moves on (`sent_until`) only
when its letter went, in the same transaction, with the row locked, so two runs at once do
not both send it; a failed send is logged and tried again by the next run.

Its cost: a query or two per site with subscriptions due, not per subscriber; one SMTP
connection for the run."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from directory.chrome import SiteChrome
from home.listing import below, unrestricted, with_urls_below
from news.flow import OrganizationsFeed
from news.models import NewsPage
from newsletters.models import DigestSend, Subscription
from newsletters.views import link

# A run a little early (cron's minute, the last run's length) still sends the day's letter.
TOLERANCE = timedelta(hours=1)
ATTEMPTS = 2
MOST_NEWS = 30  # in one letter


@dataclass
class Summary:
    sent: int = 0
    failed: int = 0
    nothing_new: int = 0
    errors: list = field(default_factory=list)


def due(now):
    periods = Q()
    for frequency, period in Subscription.PERIODS.items():
        periods |= Q(frequency=frequency, sent_until__lte=now - period + TOLERANCE)
    return Subscription.objects.filter(periods, confirmed_at__isnull=False)


@dataclass(frozen=True)
class Item:
    title: str
    date: object
    lead: str
    url: str
    source: str
    published: object


def site_news(site, since, now, with_organizations):
    """(own, from below) Items published in (since, now] on `site`: two queries at most."""
    root = site.root_page
    window = {"first_published_at__gt": since, "first_published_at__lte": now}
    pages = (
        unrestricted(NewsPage.objects.live().filter(below(root), **window), root)
        .only("title", "url_path", "path", "date", "lead", "first_published_at")
        .order_by("-first_published_at")[:MOST_NEWS]
    )
    own = [
        Item(p.title, p.date, p.lead, p.listing_url, "", p.first_published_at)
        for p in with_urls_below(pages, root, site.root_url + "/")
    ]
    below_items = []
    if with_organizations:
        feed = OrganizationsFeed(SiteChrome.for_site(site))
        if feed:
            found = feed.news(NewsPage.objects).filter(**window)[:MOST_NEWS]
            below_items = [
                Item(
                    p.title,
                    p.date,
                    p.lead,
                    p.original_url,
                    p.source.short_name if p.source else "",
                    p.first_published_at,
                )
                for p in feed.label(found)
            ]
    return own, below_items


def run(now=None, connection=None):
    now = now or timezone.now()
    summary = Summary()
    subscriptions = list(due(now).select_related("site__root_page").order_by("site_id", "pk"))
    by_site = defaultdict(list)
    for subscription in subscriptions:
        by_site[subscription.site_id].append(subscription)
    connection = connection or get_connection()
    with connection:
        for group in by_site.values():
            site = group[0].site
            since = min(s.sent_until for s in group)
            wants_below = any(s.with_organizations for s in group)
            own, below_items = site_news(site, since, now, wants_below)
            for subscription in group:
                _send_one(subscription, own, below_items, now, connection, summary)
    return summary


def _send_one(subscription, own, below_items, now, connection, summary):
    with transaction.atomic():
        locked = (
            Subscription.objects.select_for_update(skip_locked=True)
            .filter(pk=subscription.pk, sent_until=subscription.sent_until)
            .first()
        )
        if locked is None:  # another run has it, or has sent it since
            return
        start = subscription.sent_until
        items = [item for item in own if item.published > start]
        if subscription.with_organizations:
            items += [item for item in below_items if item.published > start]
        if not items:
            Subscription.objects.filter(pk=subscription.pk).update(sent_until=now)
            summary.nothing_new += 1
            return
        message = letter(subscription, items, connection)
        error = ""
        for _ in range(ATTEMPTS):
            try:
                message.send()
                error = ""
                break
            except Exception as exc:  # noqa: BLE001 (any failure of the mail server is logged)
                error = f"{type(exc).__name__}: {exc}"[:500]
        DigestSend.objects.create(
            subscription=subscription,
            site=subscription.site,
            period_start=start,
            period_end=now,
            news_count=len(items),
            result=DigestSend.Result.FAILED if error else DigestSend.Result.SENT,
            error=error,
        )
        if error:
            summary.failed += 1
            summary.errors.append(error)
        else:
            Subscription.objects.filter(pk=subscription.pk).update(sent_until=now)
            summary.sent += 1


def letter(subscription, items, connection):
    site = subscription.site
    unsubscribe = link(subscription, "otpiska")
    context = {
        "site_name": site.site_name or site.hostname,
        "site_url": site.root_url + "/",
        "items": items,
        "unsubscribe": unsubscribe,
        "frequency": subscription.get_frequency_display(),
    }
    message = EmailMultiAlternatives(
        subject=f"Новости: {context['site_name']}",
        body=render_to_string("newsletters/digest.txt", context),
        to=[subscription.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("newsletters/digest.html", context), "text/html")
    return message
