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


class SiteFreshness(models.Model):
    """An organization's site's freshness figures that do not depend on the day, kept so that
    the reports and the panel read them in SQL rather than aggregate over every page of the
    network (sites/freshness/summary.py renews them). No row: no site."""

    organization = models.OneToOneField(
        "directory.Organization",
        verbose_name="организация",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="freshness",
    )
    last_update = models.DateTimeField("последнее обновление", null=True)
    empty = models.BooleanField("пуст", default=True)
    last_news = models.DateField("последняя новость", null=True)
    # The years of the live public reports, as ",2024,2025," (matched with `contains`).
    report_years = models.CharField("годы отчётов", max_length=600, blank=True)
    last_report_year = models.PositiveSmallIntegerField("последний отчёт", null=True)
    contacts_complete = models.BooleanField("контакты заполнены", default=False)
    refreshed_at = models.DateTimeField("обновлено", auto_now=True)

    class Meta:
        verbose_name = "актуальность сайта"
        verbose_name_plural = "актуальность сайтов"

    def __str__(self):
        return str(self.organization)


class SiteNewsDay(models.Model):
    """How many live news items of an organization's site are dated `date`: the reports count
    the news of the last days from these rows (sites/freshness/summary.py renews them)."""

    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name="организация",
        on_delete=models.CASCADE,
        related_name="+",
    )
    date = models.DateField("дата")
    count = models.PositiveIntegerField("новостей")

    class Meta:
        verbose_name = "новости за день"
        verbose_name_plural = "новости по дням"
        constraints = [
            models.UniqueConstraint(fields=["organization", "date"], name="sites_news_day_unique")
        ]

    def __str__(self):
        return f"{self.organization}: {self.date} ({self.count})"
