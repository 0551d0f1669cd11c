"""The monthly letter to social partners (`manage.py send_partner_news`, run by cron on the
first of the month): each partner gets the news its organization marked «Для социальных
партнёров» and published since its last letter, each item once. The same rules as the
reports' letters (sending.py): a partner moves on (`news_sent_until`) only when its letter
went, in the same transaction, with its row locked, so two runs at once do not both send it;
a failure is logged (`PartnerNewsLetter`) and the next run tries again. A partner is sent at
most one letter in `PERIOD`, however often the command runs. A query for the partners, one
per organization with partners for its news, a row per letter."""

from dataclasses import dataclass, field
from datetime import timedelta
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from home.listing import unrestricted, with_urls_below
from news.models import NewsPage
from partners.models import PartnerNewsLetter, SocialPartner

PERIOD = timedelta(days=28)  # a month, less the runs' jitter
FIRST_LOOK_BACK = timedelta(days=31)  # a new partner's first letter: the last month's news
MOST_NEWS = 30


@dataclass
class Summary:
    sent: int = 0
    failed: int = 0
    errors: list = field(default_factory=list)


def due_partners(now):
    never = Q(news_sent_until__isnull=True)
    return (
        SocialPartner.objects.filter(never | Q(news_sent_until__lte=now - PERIOD))
        .filter(organization__site__isnull=False)
        .select_related("organization__site__root_page")
        .order_by("organization_id", "pk")
    )


def marked_news(site, since, now):
    """The live, public news of `site` marked for the partners and first published in
    (since, now], newest first, with their URLs: one query, by the tree top index."""
    root = site.root_page
    pages = (
        unrestricted(
            NewsPage.objects.live().filter(
                tree_top=root.path,
                for_social_partners=True,
                first_published_at__gt=since,
                first_published_at__lte=now,
            ),
            root,
        )
        .only("title", "url_path", "path", "date", "lead", "first_published_at")
        .order_by("-first_published_at")[:MOST_NEWS]
    )
    return with_urls_below(pages, root, site.root_url + "/")


def send_partner_news(now=None):
    now = now or timezone.now()
    summary = Summary()
    for _organization_id, partners in groupby(due_partners(now), lambda p: p.organization_id):
        partners = list(partners)
        organization = partners[0].organization
        starts = [partner.news_sent_until or now - FIRST_LOOK_BACK for partner in partners]
        news = marked_news(organization.site, min(starts), now)
        for partner, since in zip(partners, starts, strict=True):
            items = [item for item in news if item.first_published_at > since]
            if items:
                _send(organization, partner, items, now, summary)
    return summary


def _send(organization, partner, items, now, summary):
    with transaction.atomic():
        # Still where this run read it (None matches IS NULL): not sent by another run since.
        locked = (
            SocialPartner.objects.select_for_update(skip_locked=True)
            .filter(pk=partner.pk, news_sent_until=partner.news_sent_until)
            .first()
        )
        if locked is None:  # another run has it, or sent it since
            return
        letter = EmailMessage(
            subject=f"Новости: {organization.short_name}",
            body=render_to_string(
                "sites/partners/news_letter.txt",
                {"organization": organization, "partner": partner, "items": items},
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[partner.email],
            reply_to=[organization.email] if organization.email else None,
        )
        log = {
            "organization": organization,
            "partner": partner,
            "partner_name": partner.name,
            "email": partner.email,
            "items": len(items),
        }
        try:
            letter.send(fail_silently=False)
        except Exception as error:  # the next run tries again
            PartnerNewsLetter.objects.create(**log, ok=False, error=str(error)[:500])
            summary.failed += 1
            summary.errors.append(f"{partner.email}: {error}")
            return
        locked.news_sent_until = now
        locked.save(update_fields=["news_sent_until"])
        PartnerNewsLetter.objects.create(**log, ok=True)
        summary.sent += 1
