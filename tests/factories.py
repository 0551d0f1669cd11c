"""Test data builders: registry organizations, every page type, images, and whole sites.

Everything is built from the Wagtail root page (`Page.get_first_root_node()`) and the "ru"
locale, the only things the migrations leave behind.
"""

import datetime

import factory
import wagtail_factories
from factory.django import DjangoModelFactory
from wagtail.models import Collection, Page, Site

from directory.models import ContactsPage, Organization
from home.models import HomePage, StandardPage
from news.models import NewsIndexPage, NewsPage
from reports.models import PublicReportPage, ReportIndexPage

# Registry ------------------------------------------------------------------------------------


def regional_organization():
    """The one regional organization, created on first use (the registry allows only one)."""
    existing = Organization.objects.filter(kind=Organization.Kind.REGIONAL).first()
    return existing or RegionalOrganizationFactory()


def _default_parent(kind):
    if kind == Organization.Kind.TERRITORIAL:
        return regional_organization()
    if kind == Organization.Kind.PRIMARY:
        return TerritorialOrganizationFactory()
    return None


class OrganizationFactory(DjangoModelFactory):
    """A primary organization by default, under a new territorial one. Use the kind-specific
    factories below, or pass `kind` and `parent` explicitly."""

    class Meta:
        model = Organization

    code = factory.Sequence(lambda n: f"46-{n:05d}")
    kind = Organization.Kind.PRIMARY
    short_name = factory.Sequence(lambda n: f"ППО школы № {n}")
    name = factory.LazyAttribute(lambda o: f"{o.short_name} Общероссийского Профсоюза образования")
    parent = factory.LazyAttribute(lambda o: _default_parent(o.kind))
    district = "Курский район"
    members_count = 25


class RegionalOrganizationFactory(OrganizationFactory):
    kind = Organization.Kind.REGIONAL
    code = "46-0000"
    short_name = "Курская областная организация"
    name = "Курская областная организация Общероссийского Профсоюза образования"
    district = "Курск"
    members_count = 46831


def org(kind, code, short_name, hostname, parent=None, **extra):
    """An organization of the registry with a hostname of its own, by its key facts."""
    return OrganizationFactory(
        kind=kind, code=code, short_name=short_name, hostname=hostname, parent=parent, **extra
    )


class TerritorialOrganizationFactory(OrganizationFactory):
    kind = Organization.Kind.TERRITORIAL
    short_name = factory.Sequence(lambda n: f"Территориальная организация № {n}")


class PrimaryOrganizationFactory(OrganizationFactory):
    kind = Organization.Kind.PRIMARY


# Pages ---------------------------------------------------------------------------------------


class BasePageFactory(wagtail_factories.PageFactory):
    """Latin slugs: Django's slugify drops Cyrillic, so a Russian title would give an empty one."""

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"Страница {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")


class HomePageFactory(BasePageFactory):
    class Meta:
        model = HomePage

    title = factory.Sequence(lambda n: f"Сайт организации {n}")
    slug = factory.Sequence(lambda n: f"site-{n}")
    parent = factory.LazyFunction(Page.get_first_root_node)


class StandardPageFactory(BasePageFactory):
    class Meta:
        model = StandardPage


class NewsIndexPageFactory(BasePageFactory):
    class Meta:
        model = NewsIndexPage

    title = "Новости"
    slug = "news"


class NewsPageFactory(BasePageFactory):
    class Meta:
        model = NewsPage

    title = factory.Sequence(lambda n: f"Новость {n}")
    lead = "Коротко о главном."
    date = factory.LazyFunction(datetime.date.today)


class ReportIndexPageFactory(BasePageFactory):
    class Meta:
        model = ReportIndexPage

    title = "Публичные отчёты"
    slug = "reports"


class PublicReportPageFactory(BasePageFactory):
    class Meta:
        model = PublicReportPage

    year = 2024
    title = factory.LazyAttribute(lambda o: f"Публичный отчёт за {o.year} год")
    slug = factory.LazyAttribute(lambda o: f"report-{o.year}")
    summary = "Итоги года."


class ContactsPageFactory(BasePageFactory):
    class Meta:
        model = ContactsPage

    title = "Контакты"
    slug = "contacts"


class ImageFactory(wagtail_factories.ImageFactory):
    """In the root collection, not in a new root of its own as wagtail_factories does."""

    collection = factory.LazyFunction(Collection.get_first_root_node)


# Sites ---------------------------------------------------------------------------------------


def site_for(organization, hostname):
    """A site for a registry organization: a HomePage under the root, a Site on port 80 whose
    root it is, and the registry link `organization.site`."""
    home = HomePageFactory(title=organization.short_name, slug=hostname.replace(".", "-"))
    site = Site.objects.create(
        hostname=hostname, port=80, root_page=home, site_name=organization.short_name
    )
    organization.site = site
    organization.save(update_fields=["site"])
    return site
