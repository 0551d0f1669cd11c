from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting, register_setting

from sites.moderation.services import ModerationSettingsForm


@register_setting(icon="cogs")
class NetworkSettings(BaseGenericSetting):
    """Settings of the whole network of sites, for regional admins."""

    site_template = models.ForeignKey(
        "home.HomePage",
        verbose_name="шаблон сайта",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Дерево страниц, которое копируется при создании сайта организации. "
        "В текстах можно использовать {организация} и {полное наименование}.",
    )

    panels = [FieldPanel("site_template")]

    class Meta:
        verbose_name = "настройки сети сайтов"


@register_setting(icon="image")
class SiteBranding(BaseSiteSetting):
    """Per-site look: each organization's editors change only their own site's."""

    tagline = models.CharField(
        "подзаголовок", max_length=200, blank=True, help_text="Строка под названием организации"
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="логотип",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("tagline"), FieldPanel("logo")]

    class Meta:
        verbose_name = "оформление сайта"


@register_setting(icon="tasks")
class ModerationSettings(BaseSiteSetting):
    """Per site: must its pages be approved by the parent organization before they go live?

    Editable by the parent (territorial) organization's editors and by regional admins, never
    by the site's own editors; applied by sites/moderation.py when saved."""

    require_parent_review = models.BooleanField(
        "проверка территориальной организацией",
        default=False,
        help_text="Редакторы сайта не публикуют страницы сами: они отправляют их на проверку, "
        "и страница выходит после одобрения редактором территориальной организации.",
    )

    panels = [FieldPanel("require_parent_review")]
    base_form_class = ModerationSettingsForm

    class Meta:
        verbose_name = "модерация"


class FreshnessReminder(models.Model):
    """A freshness reminder that was sent, so that the same one is never sent twice
    (`manage.py send_freshness_reminders`, sites/reminders.py).

    kind "site": an e-mail to the organization's editors that its site became «устаревает» or
    «заброшен». kind "digest": the organization (a primary) was reported as newly stale or
    abandoned in its territorial organization's digest; `recipients` are then the territorial
    editors. `status` is the Russian status word of sites.freshness.report.Status at that time."""

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
            models.Index(
                fields=["organization", "kind", "-sent_at"], name="platform_reminder_latest"
            )
        ]

    def __str__(self):
        return f"{self.organization}: {self.status} ({self.get_kind_display()})"


class ProvenEmail(models.Model):
    """The e-mail address an account has proven (sites/accounts.py): only an account whose
    current address equals its proven one is matched by that address."""

    class Source(models.TextChoices):
        REGISTRY = "registry", "из реестра при создании учётной записи"
        LINK = "link", "по ссылке из письма"

    user = models.OneToOneField("auth.User", on_delete=models.CASCADE, related_name="proven_email")
    email = models.EmailField("адрес")
    source = models.CharField("как подтверждён", max_length=20, choices=Source.choices)
    proven_at = models.DateTimeField("когда")

    class Meta:
        verbose_name = "подтверждённый адрес"
        verbose_name_plural = "подтверждённые адреса"

    def __str__(self):
        return self.email
