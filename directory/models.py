"""The registry of union organizations — the source of truth every site is derived from."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Page, Site
from wagtail.search import index

from directory.page_forms import ContactsPageForm
from home.listing import paginate, unrestricted
from home.serving import ViewRestrictionsInOneQuery

HOSTNAME_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def validate_hostname(value):
    """A single DNS label (a subdomain of the platform) or a full domain name."""
    labels = value.split(".")
    if len(value) > 253 or not all(HOSTNAME_LABEL_RE.match(label) for label in labels):
        raise ValidationError(
            "Недопустимое имя сайта «%(value)s»: только латинские строчные буквы, цифры и дефис, "
            "части через точку, без дефиса в начале и в конце части.",
            params={"value": value},
            code="invalid_hostname",
        )
    if len(labels) > 1 and labels[-1].isdigit():
        raise ValidationError(
            "Недопустимое имя сайта «%(value)s»: доменная зона не может быть числом.",
            params={"value": value},
            code="invalid_hostname",
        )


REGIONAL_ON_BASE_DOMAIN = (
    "Без адреса сайта (на основном домене платформы) может быть только одна региональная "
    "организация: укажите адрес сайта."
)


def folded(text):
    """`text` for case-insensitive matching, the same in Python and in SQL on both databases:
    SQLite's LIKE and lower() fold ASCII only, so «курская» would not find «Курская» there;
    and «ё» is often typed as «е». Names are stored folded (`Organization.search_name`) and a
    search is folded before it is matched against them."""
    return text.casefold().replace("ё", "е")


class Organization(index.Indexed, models.Model):
    class Kind(models.TextChoices):
        REGIONAL = "regional", "Региональная"
        TERRITORIAL = "territorial", "Территориальная (районная, городская)"
        PRIMARY = "primary", "Первичная"

    # Which kind of parent each kind must have (None: no parent at all).
    PARENT_KIND = {
        Kind.REGIONAL: None,
        Kind.TERRITORIAL: Kind.REGIONAL,
        Kind.PRIMARY: Kind.TERRITORIAL,
    }

    code = models.CharField(
        "код в реестре",
        max_length=32,
        unique=True,
        validators=[
            RegexValidator(r"^[\w.-]+$", "Код: буквы, цифры, точка, дефис, подчёркивание.")
        ],
    )
    name = models.CharField("полное наименование", max_length=500)
    short_name = models.CharField("краткое наименование", max_length=200)
    kind = models.CharField("вид", max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="вышестоящая организация",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    district = models.CharField("район (город)", max_length=200, blank=True)
    address = models.CharField("адрес", max_length=500, blank=True)
    phone = models.CharField("телефон", max_length=100, blank=True)
    email = models.EmailField("e-mail", blank=True)
    chair = models.CharField("председатель", max_length=200, blank=True)
    members_count = models.PositiveIntegerField("членов профсоюза", null=True, blank=True)
    hostname = models.CharField(
        "адрес сайта",
        max_length=253,
        blank=True,
        validators=[validate_hostname],
        help_text="Поддомен платформы (например, zheleznogorsk) или собственный домен "
        "(например, rylsk-profobr.ru). Пусто — будет выбран автоматически.",
    )
    site = models.OneToOneField(
        "wagtailcore.Site",
        verbose_name="сайт",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organization",
    )
    home_page = models.ForeignKey(
        "home.HomePage",
        verbose_name="главная страница",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Корень дерева страниц организации; остаётся и после отключения сайта.",
    )
    editors_group = models.OneToOneField(
        "auth.Group",
        verbose_name="группа редакторов",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="organization",
    )
    search_name = models.CharField(
        "имя для поиска",
        max_length=710,
        blank=True,
        editable=False,
        help_text="Краткое и полное наименование строчными буквами, «ё» как «е» (folded()).",
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        verbose_name="коллекция медиафайлов",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="organization",
    )

    search_fields = [
        # The admin listing searches with autocomplete (prefix matching), which looks only at
        # AutocompleteFields: the full name must be one too to be found by a partial word.
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("short_name"),
        index.AutocompleteField("short_name"),
        index.SearchField("code"),
        index.FilterField("kind"),
        index.FilterField("parent_id"),
        index.FilterField("site_id"),
    ]

    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("kind")]),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("short_name"), FieldPanel("district")]),
        FieldPanel("parent"),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
                FieldRowPanel([FieldPanel("chair"), FieldPanel("members_count")]),
            ],
            heading="Контакты",
        ),
        FieldRowPanel([FieldPanel("hostname"), FieldPanel("site")], heading="Сайт"),
    ]

    class Meta:
        verbose_name = "организация"
        verbose_name_plural = "организации"
        ordering = ["kind", "name"]
        # The registry list's order: read in order, not sorted, however long the registry.
        indexes = [models.Index(fields=["kind", "name"], name="directory_org_kind_name")]
        permissions = [("onboard_organization", "Может создавать и отключать сайты организаций")]
        constraints = [
            # Several regions can share the install (the national union has 85); the one
            # without a hostname of its own is the default site, on the base domain.
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="regional", hostname=""),
                name="directory_one_regional_on_base_domain",
                violation_error_message=REGIONAL_ON_BASE_DOMAIN,
            ),
            models.UniqueConstraint(
                fields=["hostname"],
                condition=~Q(hostname=""),
                name="directory_unique_hostname",
                violation_error_message="Этот адрес сайта уже указан у другой организации.",
            ),
            models.CheckConstraint(
                condition=Q(kind="regional", parent__isnull=True)
                | (~Q(kind="regional") & Q(parent__isnull=False)),
                name="directory_parent_matches_kind",
                violation_error_message="У региональной организации нет вышестоящей; "
                "у остальных она обязательна.",
            ),
        ]

    def __str__(self):
        return self.short_name or self.name

    def save(self, *args, **kwargs):
        self.search_name = folded(f"{self.short_name} {self.name}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "short_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.kind not in self.PARENT_KIND:
            return  # a missing or unknown kind is reported on the field itself
        expected = self.PARENT_KIND[self.kind]
        if self.kind == self.Kind.REGIONAL:
            if self.parent_id:
                raise ValidationError(
                    {"parent": "У региональной организации не может быть вышестоящей."}
                )
            return
        if not self.parent_id:
            raise ValidationError({"parent": "Укажите вышестоящую организацию."})
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": "Организация не может быть вышестоящей для себя."})
        if self.parent.kind != expected:
            kind_label = self.Kind(self.kind).label.lower()
            parent_label = self.Kind(expected).label.split(" ")[0].lower()
            raise ValidationError(
                {
                    "parent": f"Вышестоящей для организации вида «{kind_label}» "
                    f"должна быть {parent_label} организация."
                }
            )

    # Hostnames ---------------------------------------------------------------------------

    def full_hostname(self):
        """The hostname the organization's site is served on, or "" if none is chosen yet."""
        if self.kind == self.Kind.REGIONAL and not self.hostname:
            return settings.PLATFORM_BASE_DOMAIN
        if not self.hostname:
            return ""
        if "." in self.hostname:
            return self.hostname
        return f"{self.hostname}.{settings.PLATFORM_BASE_DOMAIN}"

    def contact_defaults(self):
        """Field values for a new contacts page, taken from the registry."""
        return {
            "address": self.address,
            "phone": self.phone,
            "email": self.email,
            "chair": self.chair,
        }


class ContactsPage(ViewRestrictionsInOneQuery, Page):
    """The organization's public contacts; filled from the registry when created, then the
    editors keep it current (the registry stays with the regional admins)."""

    address = models.CharField(_("address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    chair = models.CharField(_("chair"), max_length=200, blank=True)
    office_hours = models.TextField(_("office hours"), blank=True)
    vk_url = models.URLField(_("VK community"), blank=True)
    ok_url = models.URLField(_("OK community"), blank=True)
    telegram_url = models.URLField(_("Telegram channel"), blank=True)
    map_url = models.URLField(
        _("map link"), blank=True, help_text=_("A link to the office on Yandex Maps or 2GIS")
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
                FieldPanel("chair"),
                FieldPanel("office_hours"),
                FieldPanel("map_url"),
            ],
            heading=_("Contacts"),
        ),
        MultiFieldPanel(
            [FieldPanel("vk_url"), FieldPanel("ok_url"), FieldPanel("telegram_url")],
            heading=_("Communities"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("address")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1
    template = "directory/contacts_page.html"
    base_form_class = ContactsPageForm

    class Meta:
        verbose_name = _("contacts page")
        verbose_name_plural = _("contacts pages")

    @classmethod
    def for_site_root(cls, root_page):
        """The live contacts page directly under a site's home page, or None; None too if it
        is under a view restriction (the site chrome shows it to every visitor)."""
        return unrestricted(cls.objects.live().child_of(root_page)).first()

    @property
    def social_links(self):
        return [
            (label, url)
            for label, url in (
                ("ВКонтакте", self.vk_url),
                ("Одноклассники", self.ok_url),
                ("Telegram", self.telegram_url),
            )
            if url
        ]

    @property
    def is_complete(self):
        return bool(self.address and self.phone and self.email)


def organization_for_site(site):
    """The registry organization a Wagtail site belongs to (with its parent's site), or None."""
    if site is None:
        return None
    return Organization.objects.select_related("parent__site", "site").filter(site=site).first()


class DirectoryPage(ViewRestrictionsInOneQuery, Page):
    """«Организации профсоюза»: the organizations below the site's own, read from the registry
    at request time (never stored on the page, so it is never out of date): on a regional
    site its territorial organizations, each with its primaries; on a territorial site its
    primaries. Each links to its site or, without one, shows its contacts from the registry.

    Paginated and searched (`?q=`, on the folded names) in the database: a page of it costs
    the same few queries, and as much work, in a region of 300 organizations as in a network
    of 30,000; the regional site pages by territorial organization."""

    GROUPS_PER_PAGE = 10  # territorial organizations (with their primaries) on a page
    PER_PAGE = 50  # organizations on a page of a flat list
    FIELDS = (
        *("name", "short_name", "search_name", "kind", "parent_id", "address", "phone"),
        *("email", "chair", "site__hostname", "site__port"),
    )

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1
    template = "directory/directory_page.html"

    class Meta:
        verbose_name = _("organizations directory")
        verbose_name_plural = _("organizations directories")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        query = request.GET.get("q", "").strip()[:200]
        context.update(query=query, **self.listing(Site.find_for_request(request), query, request))
        return context

    @classmethod
    def listing(cls, site, query, request):
        """The page of the directory `request` asks for: `groups` [(organization, [its
        children shown])], sorted by name, `nested` (organizations with their children, as on
        a regional site) and pagination; with `query`, `found` (how many match). A group is
        shown if its name matches, with all its children, or if some of its children match,
        with those alone."""
        if site is None:
            return {"groups": [], "nested": False, "found": 0}
        needle = folded(query)
        below = Organization.objects.filter(parent__site=site)
        if not below.filter(kind=Organization.Kind.TERRITORIAL).exists():
            # A territorial site (or none below): one flat list of its primaries.
            if needle:
                below = below.filter(search_name__contains=needle)
            pagination = paginate(cls._loaded(below), request, cls.PER_PAGE)
            found = pagination["paginator"].count
            groups = [(organization, []) for organization in pagination["page_obj"]]
            return {"groups": groups, "nested": False, "found": found, **pagination}
        found = 0
        if needle:
            matching = Organization.objects.filter(search_name__contains=needle)
            found = matching.filter(Q(parent__site=site) | Q(parent__parent__site=site)).count()
            below = below.filter(
                Q(search_name__contains=needle) | Exists(matching.filter(parent=OuterRef("pk")))
            )
        pagination = paginate(cls._loaded(below), request, cls.GROUPS_PER_PAGE)
        page = list(pagination["page_obj"])
        children = {}
        for child in cls._loaded(Organization.objects.filter(parent__in=page)):
            children.setdefault(child.parent_id, []).append(child)
        groups = [
            (
                group,
                [
                    child
                    for child in children.get(group.pk, [])
                    if needle in group.search_name or needle in child.search_name
                ],
            )
            for group in page
        ]
        return {"groups": groups, "nested": True, "found": found, **pagination}

    @classmethod
    def _loaded(cls, organizations):
        return organizations.select_related("site").only(*cls.FIELDS).order_by("search_name", "pk")
