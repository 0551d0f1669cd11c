from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from sites.moderation.forms import ModerationSettingsForm


@register_setting(icon="tasks")
class ModerationSettings(BaseSiteSetting):
    """Per site: must its pages be approved by the parent organization before they go live?

    Editable by the parent (territorial) organization's editors and by regional admins, never
    by the site's own editors; applied by sites/moderation/ when saved."""

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
