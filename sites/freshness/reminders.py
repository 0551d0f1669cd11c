"""Freshness reminders by e-mail, sent daily by `manage.py send_freshness_reminders`: the
editors of a site that has become «устаревает» or «заброшен» get one e-mail saying so and
what is missing; each territorial organization's editors get a digest of their primaries that
need attention when one of them has newly declined. Each is recorded as a
`FreshnessReminder`, so the same one is never sent twice (`is_due()`); `deliver()` says why a
failed send is retried, not lost. Recipients: the editors' group's active users with an e-mail."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string
from django.urls import reverse

from directory.models import Organization
from sites.freshness import status as freshness
from sites.freshness.models import FreshnessReminder
from sites.freshness.panel import UNKNOWN, contact_gaps, days_text, missing_items
from sites.freshness.status import Status

REMINDED = (Status.AGING, Status.ABANDONED)
NEEDS_ATTENTION = (Status.ABANDONED, Status.AGING, Status.EMPTY, Status.NO_SITE)


# Who and when --------------------------------------------------------------------------------


def latest_reminders(kind, organization_ids=None):
    """organization id → its latest FreshnessReminder of `kind`: one query."""
    latest = FreshnessReminder.objects.filter(
        organization=OuterRef("organization"), kind=kind
    ).order_by("-sent_at", "-pk")
    reminders = FreshnessReminder.objects.filter(pk=Subquery(latest.values("pk")[:1]))
    if organization_ids is not None:
        reminders = reminders.filter(organization__in=organization_ids)
    return {reminder.organization_id: reminder for reminder in reminders}


def is_due(row, previous):
    """Is a reminder (of either kind) due for `row`, given the latest one sent for it?

    Yes when the site is «устаревает» or «заброшен» and that reminder does not exist, has
    another status, or is older than the site's latest publication: that publication made the
    site current again, so its next decline is new, without recording anything for current
    sites. A site that stays stale hears about it once. A primary enters its territorial
    organization's digest under the same rule (whether or not its own editors could be
    reminded), with a reminder of kind "digest"; a digest with nothing new is not sent."""
    if row.status not in REMINDED:
        return False
    if previous is None or previous.status != row.status:
        return True
    return row.last_update is not None and row.last_update > previous.sent_at


def editor_emails(rows):
    """editors' group id → the e-mail addresses of its active users, sorted, without
    duplicates (ignoring case): one query."""
    groups = {row.editors_group_id for row in rows if row.editors_group_id}
    memberships = (
        get_user_model()
        .groups.through.objects.filter(group__in=groups, user__is_active=True)
        .exclude(user__email="")
        .values_list("group_id", "user__email")
    )
    found = defaultdict(dict)
    for group_id, email in memberships:
        found[group_id].setdefault(email.strip().lower(), email.strip())
    return {group_id: sorted(emails.values()) for group_id, emails in found.items()}


def admin_url(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def edit_url(row):
    """Where the editors edit the site: its pages in the admin."""
    return admin_url(reverse("wagtailadmin_explore", args=[row.root_page_id]))


# What a run does -----------------------------------------------------------------------------


@dataclass
class SiteReminder:
    row: freshness.OrganizationFreshness
    recipients: list
    previous_status: str  # "" for the first reminder
    missing: list
    sent: bool = False

    @property
    def subject(self):
        return f"Сайт «{self.row.short_name}» {self.row.status}: нет обновлений {self.days}"

    @property
    def days(self):
        return days_text(self.row.days_since_update)

    def body(self):
        return render_to_string(
            "sites/freshness/email/site_reminder.txt",
            {
                "row": self.row,
                "days": self.days,
                "abandoned": self.row.status == Status.ABANDONED,
                "missing": self.missing,
                "edit_url": edit_url(self.row),
                "thresholds": freshness.Thresholds.from_settings(),
            },
        )


@dataclass
class DigestLine:
    row: freshness.OrganizationFreshness
    reminder: SiteReminder | None = None  # this run's site reminder for it, if any

    @property
    def days(self):
        return days_text(self.row.days_since_update) if self.row.last_update else ""


@dataclass
class Digest:
    territorial: freshness.OrganizationFreshness
    recipients: list
    new: list  # DigestLine: primaries newly stale or abandoned
    attention: dict  # Status → [DigestLine], every primary that needs attention
    primaries: int
    sent: bool = False

    @property
    def subject(self):
        count = len(self.new)
        return (
            f"Актуальность сайтов первичных организаций ({self.territorial.short_name}): "
            f"новых устаревающих и заброшенных — {count}"
        )

    def body(self):
        return render_to_string(
            "sites/freshness/email/digest.txt",
            {
                "territorial": self.territorial,
                "new": self.new,
                "attention": [(status, lines) for status, lines in self.attention.items()],
                "attention_count": sum(len(lines) for lines in self.attention.values()),
                "primaries": self.primaries,
                "report_url": admin_url(
                    reverse("sites_freshness") + f"?territorial={self.territorial.organization_id}"
                ),
                "today": self.territorial.today,
            },
        )


@dataclass
class Run:
    dry_run: bool
    reminders: list = field(default_factory=list)  # SiteReminder with recipients
    unreachable: list = field(default_factory=list)  # SiteReminder due, no recipients
    digests: list = field(default_factory=list)  # Digest with recipients and news
    unreachable_digests: list = field(default_factory=list)  # Digest with news, no recipients
    errors: list = field(default_factory=list)  # (what, error text)


def plan(*, now=None, dry_run=False):
    """What is due now: the site reminders and the digests, not yet sent. A fixed number of
    queries (the freshness rows, the latest reminders, the editors, the contacts)."""
    now = now or freshness.current_time()
    rows = freshness.freshness_rows(now=now)
    run = Run(dry_run=dry_run)
    emails = editor_emails(rows)
    latest = latest_reminders(FreshnessReminder.Kind.SITE)
    due = [row for row in rows if is_due(row, latest.get(row.organization_id))]
    gaps = contact_gaps(due)
    thresholds = freshness.Thresholds.from_settings()
    reminders = {}
    for row in due:
        previous = latest.get(row.organization_id)
        reminder = SiteReminder(
            row=row,
            recipients=emails.get(row.editors_group_id, []),
            previous_status=previous.status if previous else "",
            missing=missing_items(
                row, thresholds=thresholds, gaps=gaps.get(row.organization_id, UNKNOWN)
            ),
        )
        reminders[row.organization_id] = reminder
        (run.reminders if reminder.recipients else run.unreachable).append(reminder)

    digested = latest_reminders(FreshnessReminder.Kind.DIGEST)
    primaries = defaultdict(list)
    for row in rows:
        if row.kind == Organization.Kind.PRIMARY:
            primaries[row.parent_id].append(row)
    for territorial in rows:
        if territorial.kind != Organization.Kind.TERRITORIAL:
            continue
        own = primaries[territorial.organization_id]
        new = [
            DigestLine(row, reminders.get(row.organization_id))
            for row in own
            if is_due(row, digested.get(row.organization_id))
        ]
        if not new:
            continue
        attention = {status: [] for status in NEEDS_ATTENTION}
        for row in sorted(own, key=_staleness):
            if row.status in attention:
                attention[row.status].append(DigestLine(row, reminders.get(row.organization_id)))
        digest = Digest(
            territorial=territorial,
            recipients=emails.get(territorial.editors_group_id, []),
            new=sorted(new, key=lambda line: _staleness(line.row)),
            attention={status: lines for status, lines in attention.items() if lines},
            primaries=len(own),
        )
        (run.digests if digest.recipients else run.unreachable_digests).append(digest)
    return run


def _staleness(row):
    """The longest without an update first; then by name."""
    days = row.days_since_update
    return (-(days if days is not None else 10**6), row.short_name.casefold(), row.code)


def _lock(organization_id):
    """Serialize runs per organization (a no-op on SQLite, whose writes are serialized)."""
    list(Organization.objects.select_for_update().filter(pk=organization_id).values("pk"))


def _message(subject, body, recipients, connection):
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        connection=connection,
    )


def deliver(run, *, now=None):
    """Send what `plan()` found due and record it, one transaction per e-mail. Failures are
    collected in `run.errors`; the rest goes on.

    The record is written first, then the message is handed to the mail backend inside the
    transaction: if sending raises, it rolls back and the next run tries again. Recording and
    sending after the commit would lose the reminder for good while the mail server is down;
    the one window for a duplicate, a failed commit after the server accepted the message, is
    rare and harmless. The organization's registry row is locked (`select_for_update`) and
    the reminder checked again inside the transaction, so overlapping runs do not both send.
    An organization without recipients gets no record: the command reports it every run."""
    if run.dry_run:
        return run
    now = now or freshness.current_time()
    connection = get_connection()
    with connection:
        for reminder in run.reminders:
            row = reminder.row
            try:
                with transaction.atomic():
                    _lock(row.organization_id)
                    latest = latest_reminders(
                        FreshnessReminder.Kind.SITE, [row.organization_id]
                    ).get(row.organization_id)
                    if not is_due(row, latest):
                        continue  # an overlapping run got there first
                    FreshnessReminder.objects.create(
                        organization_id=row.organization_id,
                        status=row.status,
                        kind=FreshnessReminder.Kind.SITE,
                        sent_at=now,
                        recipients=", ".join(reminder.recipients),
                    )
                    message = _message(
                        reminder.subject, reminder.body(), reminder.recipients, connection
                    )
                    message.send()
                reminder.sent = True
            except Exception as error:  # one failure must not stop the others
                run.errors.append((f"{row.code} {row.short_name}", repr(error)))
        for digest in run.digests:
            territorial = digest.territorial
            try:
                with transaction.atomic():
                    _lock(territorial.organization_id)
                    ids = [line.row.organization_id for line in digest.new]
                    latest = latest_reminders(FreshnessReminder.Kind.DIGEST, ids)
                    new = [
                        line
                        for line in digest.new
                        if is_due(line.row, latest.get(line.row.organization_id))
                    ]
                    if not new:
                        continue
                    digest.new = new
                    FreshnessReminder.objects.bulk_create(
                        FreshnessReminder(
                            organization_id=line.row.organization_id,
                            status=line.row.status,
                            kind=FreshnessReminder.Kind.DIGEST,
                            sent_at=now,
                            recipients=", ".join(digest.recipients),
                        )
                        for line in new
                    )
                    message = _message(digest.subject, digest.body(), digest.recipients, connection)
                    message.send()
                digest.sent = True
            except Exception as error:
                run.errors.append((f"{territorial.code} {territorial.short_name}", repr(error)))
    return run


def send_reminders(*, dry_run=False):
    """Plan and deliver; returns the `Run`."""
    now = freshness.current_time()
    return deliver(plan(now=now, dry_run=dry_run), now=now)
