"""Personal data under 152-ФЗ: the policy page every site has, and the log of consents.

The policy's text is the network's (templates/privacy/policy_text.html, versioned by
`POLICY_VERSION`); the operator it names is the site's organization, read from the registry
when the page is served, so a renamed organization or a new chair shows at once. Each
organization's editors may add to it (`extra`), not change it.

Every form that collects personal data asks for consent as an act of its own: an unticked box
with its own text and version (`privacy/consent.py`), and each consent given is kept here
(`ConsentRecord`): who, when, from which address, on which form, to which text."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from directory.chrome import chrome_for_request
from directory.models import Organization
from home.serving import ViewRestrictionsInOneQuery

# The policy text's version: change it with templates/privacy/policy_text.html.
POLICY_VERSION = "1.0 от 7 декабря 2026 г."
POLICY_TITLE = "Политика обработки персональных данных"
POLICY_SLUG = "politika-personalnykh-dannykh"


class PrivacyPolicyPage(ViewRestrictionsInOneQuery, Page):
    extra = RichTextField(
        _("additions of the organization"),
        blank=True,
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link"],
        help_text=_("Shown after the network's policy text, which is the same on every site."),
    )

    content_panels = [*Page.content_panels, FieldPanel("extra")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1
    template = "privacy/privacy_policy_page.html"

    class Meta:
        verbose_name = _("personal data policy")
        verbose_name_plural = _("personal data policies")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        chrome = chrome_for_request(request)
        context["operator"] = chrome.organization
        context["policy_version"] = POLICY_VERSION
        context["metrica"] = chrome.metrica_counter
        return context


class ConsentRecord(models.Model):
    """A consent to the processing of personal data, as it was given. Kept after the form's
    page or the organization is gone (its names are copied); removed only by erasing the
    person's data (sites/personal_data/), which leaves a record of its own."""

    class Purpose(models.TextChoices):
        FORM = "form", "форма на сайте"
        APPLICATION = "application", "заявление о вступлении"
        SUBSCRIPTION = "subscription", "подписка на новости"

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization_name = models.CharField("оператор", max_length=500)
    purpose = models.CharField("цель", max_length=16, choices=Purpose.choices)
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    page_title = models.CharField("форма", max_length=255)
    url = models.CharField("адрес формы", max_length=500)
    text_version = models.CharField("версия текста согласия", max_length=50)
    text = models.TextField("текст согласия")
    email = models.EmailField("e-mail", blank=True, db_index=True)
    name = models.CharField("имя", max_length=255, blank=True)
    ip_address = models.GenericIPAddressField("IP-адрес", null=True, blank=True)
    given_at = models.DateTimeField("дано", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "согласие на обработку персональных данных"
        verbose_name_plural = "согласия на обработку персональных данных"
        ordering = ["-given_at", "-pk"]

    def __str__(self):
        return f"{self.email or self.name} — {self.page_title} ({self.given_at:%d.%m.%Y})"
