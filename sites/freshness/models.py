from django.db import models


class FreshnessReminder(models.Model):
    """A freshness reminder that was sent, so that the same one is never sent twice
    (`manage.py send_freshness_reminders`, sites/freshness/reminders.py).

    kind "site": an e-mail to the organization's editors that its site became «устаревает» or
    «заброшен». kind "digest": the organization (a primary) was reported as newly stale or
    abandoned in its territorial organization's digest; `recipients` are then the territorial
    editors. `status` is the Russian status word of sites.freshness.status.Status at that time."""

    class Kind(models.TextChoices):
        SITE = "site", "напоминание редакторам сайта"
        DIGEST = "digest", "сводка территориальной организации"

    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name="организация",
        on_delete=models.CASCADE,
        related_name="freshness_reminders",
    )
    status = models.CharField("статус", max_length=16)
    kind = models.CharField("вид", max_length=8, choices=Kind.choices, default=Kind.SITE)
    sent_at = models.DateTimeField("отправлено")
    recipients = models.TextField("получатели", blank=True)

    class Meta:
        verbose_name = "напоминание об актуальности"
        verbose_name_plural = "напоминания об актуальности"
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "kind", "-sent_at"], name="sites_reminder_latest")
        ]

    def __str__(self):
        return f"{self.organization}: {self.status} ({self.get_kind_display()})"
