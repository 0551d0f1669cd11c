"""Readers subscribed to a site's news by e-mail (double opt-in), and the log of digests.

A subscription is confirmed by a link sent to the address (nothing is sent before), and each
digest carries a one-click unsubscribe link (`List-Unsubscribe`), which deletes the
subscription. `sent_until` is how far the reader has been sent: a digest covers the news
published after it, and it moves on only when a digest was sent, so nothing is sent twice and
a failed send is tried again by the next run (newsletters/digest.py)."""

import secrets
from datetime import timedelta

from django.db import models
from wagtail.models import Site


def new_token():
    return secrets.token_urlsafe(32)


class Subscription(models.Model):
    class Frequency(models.TextChoices):
        DAILY = "daily", "каждый день"
        WEEKLY = "weekly", "раз в неделю"

    PERIODS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField("e-mail")
    frequency = models.CharField(
        "как часто", max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    with_organizations = models.BooleanField("и новости организаций", default=False)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    sent_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "подписка на новости"
        verbose_name_plural = "подписки на новости"
        constraints = [
            models.UniqueConstraint(fields=["site", "email"], name="one_subscription_per_site")
        ]
        indexes = [models.Index(fields=["confirmed_at", "frequency"])]

    def __str__(self):
        return f"{self.email} — {self.site.hostname}"

    @property
    def period(self):
        return self.PERIODS[self.frequency]


class DigestSend(models.Model):
    """One digest sent, or tried: the log. No address is kept here (erasing a reader's data
    removes the subscription; the log stays, without them)."""

    class Result(models.TextChoices):
        SENT = "sent", "отправлено"
        FAILED = "failed", "ошибка"

    subscription = models.ForeignKey(
        Subscription, null=True, on_delete=models.SET_NULL, related_name="sends"
    )
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    news_count = models.PositiveIntegerField()
    result = models.CharField(max_length=8, choices=Result.choices)
    error = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "отправка дайджеста"
        verbose_name_plural = "отправки дайджестов"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%d.%m.%Y %H:%M} — {self.get_result_display()} ({self.news_count})"
