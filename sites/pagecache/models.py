from django.db import models


class PendingPurge(models.Model):
    """Cache tags still to purge: written when a change commits, deleted once every cache has
    purged them (sites/pagecache/purge.py). A row that stays says the cache was not reachable;
    any process's sender retries it."""

    tags = models.TextField()  # space-separated, as Varnish's xkey takes them
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "pending cache purge"
        verbose_name_plural = "pending cache purges"

    def __str__(self):
        return self.tags
