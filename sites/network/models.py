"""The network's settings: one for the whole network, one per site."""

from django.core.validators import RegexValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting, register_setting


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

    metrica_counter = models.CharField(
        "счётчик Яндекс Метрики",
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{1,12}$", "Номер счётчика — только цифры (до 12).")],
        help_text="Номер счётчика. Пусто — статистика не собирается. Счётчик загружается "
        "только у посетителей, согласившихся на файлы cookie, и назван в политике обработки "
        "персональных данных.",
    )

    panels = [
        FieldPanel("tagline"),
        FieldPanel("logo"),
        MultiFieldPanel([FieldPanel("metrica_counter")], "Статистика посещений"),
    ]

    class Meta:
        verbose_name = "оформление сайта"
