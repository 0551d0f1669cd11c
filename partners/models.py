"""Social partners (education authorities, employers) of each organization, kept by its
editors, and the log of public reports sent to them (sites/partners/ has the admin)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from directory.models import Organization
from reports.models import PublicReportPage


class SocialPartner(models.Model):
    class Kind(models.TextChoices):
        AUTHORITY = "authority", "Орган управления образованием"
        EMPLOYER = "employer", "Работодатель"
        OTHER = "other", "Другое"

    organization = models.ForeignKey(
        Organization,
        verbose_name="организация",
        on_delete=models.CASCADE,
        related_name="social_partners",
    )
    name = models.CharField("наименование", max_length=300)
    kind = models.CharField("вид", max_length=16, choices=Kind.choices, default=Kind.AUTHORITY)
    contact_person = models.CharField("контактное лицо", max_length=200, blank=True)
    email = models.EmailField("e-mail")
    created_at = models.DateTimeField("добавлен", auto_now_add=True)
    # The news «Для социальных партнёров» published up to this time have been sent to it
    # (sites/partners/news.py); moved only by a letter that went.
    news_sent_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "социальный партнёр"
        verbose_name_plural = "социальные партнёры"
        ordering = ["organization", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"], name="one_partner_per_address"
            )
        ]

    def __str__(self):
        return self.name


class ReportSending(models.Model):
    """One letter with a public report to one partner: who sent it, when, and whether the
    mail server took it. The partner's name and address are kept as they were."""

    report = models.ForeignKey(
        PublicReportPage, verbose_name="отчёт", on_delete=models.CASCADE, related_name="sendings"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.CASCADE, related_name="+"
    )
    partner = models.ForeignKey(
        SocialPartner,
        verbose_name="партнёр",
        null=True,
        on_delete=models.SET_NULL,
        related_name="sendings",
    )
    partner_name = models.CharField("партнёр", max_length=300)
    email = models.EmailField("e-mail")
    year = models.PositiveSmallIntegerField("год отчёта")
    sent_at = models.DateTimeField("отправлено", default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кем",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ok = models.BooleanField("доставлено на почтовый сервер")
    error = models.CharField("ошибка", max_length=500, blank=True)

    class Meta:
        verbose_name = "отправка отчёта"
        verbose_name_plural = "отправки отчётов"
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["organization", "year"], name="sendings_by_year")]

    def __str__(self):
        return f"{self.partner_name}: {self.report_id}"


class PartnerNewsLetter(models.Model):
    """One monthly letter of news to one partner, with the mail server's answer."""

    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.CASCADE, related_name="+"
    )
    partner = models.ForeignKey(
        SocialPartner,
        verbose_name="партнёр",
        null=True,
        on_delete=models.SET_NULL,
        related_name="news_letters",
    )
    partner_name = models.CharField("партнёр", max_length=300)
    email = models.EmailField("e-mail")
    sent_at = models.DateTimeField("отправлено", default=timezone.now)
    items = models.PositiveIntegerField("новостей")
    ok = models.BooleanField("доставлено на почтовый сервер")
    error = models.CharField("ошибка", max_length=500, blank=True)

    class Meta:
        verbose_name = "письмо партнёру с новостями"
        verbose_name_plural = "письма партнёрам с новостями"
        ordering = ["-sent_at"]

    def __str__(self):
        return f"{self.partner_name}: {self.sent_at:%Y-%m-%d}"
