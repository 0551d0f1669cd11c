"""Purging the page cache once a change has committed, without making the editor wait.

`request_purge(tags)` runs when the transaction commits (never for one that rolls back): it
writes the tags to `PendingPurge` and hands them to this process's sender, a daemon thread that
sends `PURGE` with an `xkey-purge` header to every cache in `PAGE_CACHE_PURGE_URLS`
(deploy/varnish/profsites.vcl soft-purges the tagged answers: they stay as a stale copy for an
outage, but are never served fresh again). The row is deleted once every cache has answered;
while a cache is down it stays and is retried with a growing pause (1 s doubling to 60 s) by
whichever process's sender finds it, so a worker killed before sending loses nothing.

Without `PAGE_CACHE_PURGE_URLS` (development, most tests) nothing is written or sent.
"""

import logging
import os
import threading
import urllib.error
import urllib.request
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import DatabaseError, close_old_connections, transaction
from django.utils import timezone

from .models import PendingPurge

logger = logging.getLogger(__name__)

POLL_SECONDS = 5  # how often a sender looks for rows another process left
CLAIM_SECONDS = 3  # a fresh row is its own process's for this long before others retry it
MAX_PAUSE_SECONDS = 60
TAGS_PER_REQUEST = 200  # keeps the xkey-purge header well under Varnish's 8 KB limit
TIMEOUT_SECONDS = 2


def purge_urls():
    return list(getattr(settings, "PAGE_CACHE_PURGE_URLS", []))


def request_purge(tags):
    """Purge the answers tagged with any of `tags` once the current transaction commits (at
    once outside a transaction). Never raises into the change that asked."""
    if not tags or not purge_urls():
        return
    transaction.on_commit(partial(_committed, frozenset(tags)), robust=True)


def _committed(tags):
    try:
        row = PendingPurge.objects.create(
            tags=" ".join(sorted(tags)),
            next_attempt_at=timezone.now() + timedelta(seconds=CLAIM_SECONDS),
        )
    except DatabaseError:  # the database went away after the commit: try from memory only
        logger.warning("could not record a cache purge; sending it without a retry record")
        row = None
    sender().push(row.pk if row else None, tags)


def send(tags, urls=None):
    """PURGE `tags` on every cache (synchronously). True when every cache answered 200."""
    tags = sorted(tags)
    ok = True
    for url in urls if urls is not None else purge_urls():
        for start in range(0, len(tags), TAGS_PER_REQUEST):
            chunk = " ".join(tags[start : start + TAGS_PER_REQUEST])
            # The operator's own URL (settings), never a reader's.
            request = urllib.request.Request(url, method="PURGE", headers={"xkey-purge": chunk})  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                    ok = ok and response.status == 200
            except (OSError, urllib.error.URLError) as error:
                logger.warning("cache purge at %s failed: %s", url, error)
                ok = False
                break
    return ok


def send_pending(limit=500):
    """Send the due rows now (`manage.py purge_cache --pending`, and each sender's round).
    Returns (rows purged, rows left)."""
    now = timezone.now()
    rows = list(PendingPurge.objects.filter(next_attempt_at__lte=now).order_by("pk")[:limit])
    if not rows:
        return 0, 0
    tags = {tag for row in rows for tag in row.tags.split()}
    if send(tags):
        PendingPurge.objects.filter(pk__in=[row.pk for row in rows]).delete()
        return len(rows), 0
    for row in rows:
        row.attempts += 1
        row.next_attempt_at = now + timedelta(seconds=_pause(row.attempts))
    PendingPurge.objects.bulk_update(rows, ["attempts", "next_attempt_at"])
    return 0, len(rows)


def _pause(attempts):
    return min(MAX_PAUSE_SECONDS, 2 ** max(attempts - 1, 0))


class Sender(threading.Thread):
    """This process's sender: purges what this process committed at once, and every
    `POLL_SECONDS` what any process left behind."""

    def __init__(self):
        super().__init__(name="page-cache-purge", daemon=True)
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.queue = []  # [(row id or None, tags)]
        self.failures = 0
        self.busy = False

    def drained(self):
        """Nothing of this process's is waiting to be sent (nor being sent)."""
        with self.lock:
            return not self.queue and not self.busy

    def push(self, row_id, tags):
        with self.lock:
            self.queue.append((row_id, tags))
        self.wake.set()

    def run(self):
        while True:
            self.wake.wait(timeout=1 if self.failures else POLL_SECONDS)
            self.wake.clear()
            try:
                self.round()
            except Exception:  # never let the thread die: the next round tries again
                logger.exception("page cache purge round failed")
                self.failures += 1

    def round(self):
        with self.lock:
            batch, self.queue = self.queue, []
            self.busy = bool(batch)
        try:
            self._send(batch)
        finally:
            self.busy = False
        close_old_connections()
        try:
            send_pending()
        except DatabaseError as error:
            logger.warning("pending cache purges not read: %s", error)
        finally:
            close_old_connections()

    def _send(self, batch):
        if batch:
            tags = {tag for _, tags in batch for tag in tags}
            if send(tags):
                self.failures = 0
                self._forget([row_id for row_id, _ in batch if row_id])
            else:
                self.failures += 1
                with self.lock:  # rows are retried from the database; the rest from here
                    self.queue = [item for item in batch if item[0] is None] + self.queue

    def _forget(self, row_ids):
        if not row_ids:
            return
        try:
            PendingPurge.objects.filter(pk__in=row_ids).delete()
        except DatabaseError as error:  # sent already; a later round sends them once more
            logger.warning("sent cache purges not cleared: %s", error)


_sender = None
_sender_lock = threading.Lock()


def sender():
    """This process's sender, started on first use (and again in a forked child)."""
    global _sender
    with _sender_lock:
        if _sender is None or _sender.pid != os.getpid() or not _sender.is_alive():
            _sender = Sender()
            _sender.start()
        return _sender
