"""Where each page type can be created, and creating each one as an editor does: through the
Wagtail admin's add view."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from directory.models import ContactsPage, DirectoryPage
from events.models import EventIndexPage, EventPage
from home.models import HomePage, StandardPage
from library.models import DocumentsPage
from news.models import NewsIndexPage, NewsPage
from privacy.models import PrivacyPolicyPage
from reports.models import PublicReportPage, ReportIndexPage
from webforms.models import FormPage

from .. import factories

PAGE_TYPES = [
    Page,
    HomePage,
    StandardPage,
    NewsIndexPage,
    NewsPage,
    ReportIndexPage,
    PublicReportPage,
    ContactsPage,
    DirectoryPage,
    PrivacyPolicyPage,
    FormPage,
    EventIndexPage,
    EventPage,
    DocumentsPage,
]

# parent type -> the only types that may be created under it.
ALLOWED_CHILDREN = {
    Page: {HomePage},
    HomePage: {
        StandardPage,
        NewsIndexPage,
        ReportIndexPage,
        ContactsPage,
        DirectoryPage,
        PrivacyPolicyPage,
        FormPage,
        EventIndexPage,
        DocumentsPage,
    },
    StandardPage: {StandardPage, FormPage},
    NewsIndexPage: {NewsPage},
    NewsPage: set(),
    ReportIndexPage: {PublicReportPage},
    PublicReportPage: set(),
    ContactsPage: set(),
    DirectoryPage: set(),
    PrivacyPolicyPage: set(),
    FormPage: set(),
    EventIndexPage: {EventPage},
    EventPage: set(),
    DocumentsPage: set(),
}


class PageTypePlacementTests(WagtailPageTestCase):
    def test_each_type_can_be_created_where_allowed_and_nowhere_else(self):
        for parent in PAGE_TYPES:
            for child in PAGE_TYPES[1:]:
                with self.subTest(parent=parent.__name__, child=child.__name__):
                    if child in ALLOWED_CHILDREN[parent]:
                        self.assertCanCreateAt(parent, child)
                    else:
                        self.assertCanNotCreateAt(parent, child)

    def test_subpage_types(self):
        for parent in PAGE_TYPES[1:]:
            with self.subTest(parent=parent.__name__):
                self.assertAllowedSubpageTypes(parent, ALLOWED_CHILDREN[parent])

    def test_parent_page_types(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        for section in (
            NewsIndexPage,
            ReportIndexPage,
            ContactsPage,
            DirectoryPage,
            PrivacyPolicyPage,
            EventIndexPage,
            DocumentsPage,
        ):
            self.assertAllowedParentPageTypes(section, {HomePage})
        self.assertAllowedParentPageTypes(FormPage, {HomePage, StandardPage})
        self.assertAllowedParentPageTypes(EventPage, {EventIndexPage})
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})
        self.assertAllowedParentPageTypes(PublicReportPage, {ReportIndexPage})


# One news index, one report index and one contacts page per site --------------------------


SINGLE_SECTIONS = [
    (NewsIndexPage, factories.NewsIndexPageFactory),
    (ReportIndexPage, factories.ReportIndexPageFactory),
    (ContactsPage, factories.ContactsPageFactory),
]


def add_url(model, parent):
    return reverse(
        "wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk]
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "factory"), SINGLE_SECTIONS, ids=lambda v: v.__name__)
def test_only_one_section_of_a_kind_per_site(admin_client, model, factory):
    home, other_home = factories.HomePageFactory(), factories.HomePageFactory()
    factory(parent=home)

    assert not model.can_create_at(home)
    assert model.can_create_at(other_home)
    # Not offered among the page types that can be added to this home page...
    response = admin_client.get(reverse("wagtailadmin_pages:add_subpage", args=[home.pk]))
    assert response.status_code == 200
    assert add_url(StandardPage, home) in response.content.decode()
    assert add_url(model, home) not in response.content.decode()
    # ...and refused when asked for directly; another site still gets its own.
    response = admin_client.get(add_url(model, home))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert admin_client.get(add_url(model, other_home)).status_code == 200
    assert model.objects.child_of(home).count() == 1


def test_standard_pages_are_not_limited(db):
    home = factories.HomePageFactory()
    factories.StandardPageFactory(parent=home)
    assert StandardPage.can_create_at(home)


# Creating each type through the admin ------------------------------------------------------


def post_add_form(client, model, parent, **fields):
    """GET the admin's add form, fill it as an editor would, publish it. Returns the response."""
    url = add_url(model, parent)
    response = client.get(url)
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    if "body" in [f.name for f in model._meta.fields]:
        # The StreamField editor is drawn by JavaScript; an empty one posts only its count.
        data.update(nested_form_data({"body": streamfield([])}))
    for name, value in fields.items():
        data[name] = value
    data["action-publish"] = "action-publish"
    return client.post(url, data)


def assert_published(response, model, parent, slug):
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == reverse("wagtailadmin_explore", args=[parent.pk])
    page = model.objects.child_of(parent).get(slug=slug)
    assert page.live
    return page


@pytest.fixture
def site_home(site_for):
    organization = factories.TerritorialOrganizationFactory(short_name="Железногорская")
    return site_for(organization, "zheleznogorsk.localhost").root_page.specific


@pytest.mark.django_db
def test_create_home_page_at_root(admin_client, root_page):
    response = post_add_form(admin_client, HomePage, root_page, title="Рыльская", slug="rylsk")
    page = assert_published(response, HomePage, root_page, "rylsk")
    assert page.title == "Рыльская"


@pytest.mark.django_db
def test_create_standard_pages_under_home_and_under_each_other(admin_client, site_home):
    response = post_add_form(admin_client, StandardPage, site_home, title="О нас", slug="about")
    about = assert_published(response, StandardPage, site_home, "about")
    response = post_add_form(admin_client, StandardPage, about, title="История", slug="history")
    assert_published(response, StandardPage, about, "history")


@pytest.mark.django_db
def test_create_news_index_and_news_item(admin_client, site_home):
    response = post_add_form(admin_client, NewsIndexPage, site_home, title="Новости", slug="news")
    index = assert_published(response, NewsIndexPage, site_home, "news")
    response = post_add_form(
        admin_client,
        NewsPage,
        index,
        title="Съезд профсоюза",
        slug="congress",
        lead="Делегаты избрали новый состав комитета.",
        date="2025-03-14",
        tags="съезд",
    )
    item = assert_published(response, NewsPage, index, "congress")
    assert item.lead == "Делегаты избрали новый состав комитета."
    assert str(item.date) == "2025-03-14"
    assert [tag.name for tag in item.tags.all()] == ["съезд"]


@pytest.mark.django_db
def test_create_report_index_and_public_report(admin_client, site_home):
    response = post_add_form(
        admin_client, ReportIndexPage, site_home, title="Отчёты", slug="reports"
    )
    index = assert_published(response, ReportIndexPage, site_home, "reports")
    response = post_add_form(
        admin_client,
        PublicReportPage,
        index,
        title="Публичный отчёт за 2024 год",
        slug="report-2024",
        year="2024",
        summary="Итоги года.",
        members_count="1830",
        info_budget_share="5.0",
    )
    report = assert_published(response, PublicReportPage, index, "report-2024")
    assert (report.year, report.members_count, str(report.info_budget_share)) == (2024, 1830, "5.0")


@pytest.mark.django_db
def test_create_contacts_page(admin_client, site_home):
    response = post_add_form(
        admin_client,
        ContactsPage,
        site_home,
        title="Контакты",
        slug="contacts",
        office_hours="Пн–Пт 9:00–18:00",
    )
    page = assert_published(response, ContactsPage, site_home, "contacts")
    assert page.office_hours == "Пн–Пт 9:00–18:00"


# A new contacts page starts from the registry ------------------------------------------------


def contact_inputs(client, home):
    response = client.get(add_url(ContactsPage, home))
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    return {name: data.get(name) for name in ("address", "phone", "email", "chair")}


@pytest.mark.django_db
def test_new_contacts_page_is_prefilled_from_the_sites_organization(admin_client, site_for):
    rylsk = factories.TerritorialOrganizationFactory(
        short_name="Рыльская",
        address="307370, г. Рыльск, ул. Ленина, 1",
        phone="+7 (47152) 2-11-11",
        email="rylsk@example.org",
        chair="Петрова Анна Сергеевна",
    )
    kursk = factories.TerritorialOrganizationFactory(
        short_name="Курская городская",
        address="305000, г. Курск, ул. Советская, 5",
        phone="+7 (4712) 50-00-00",
        email="kursk@example.org",
        chair="Смирнов Олег Иванович",
    )
    rylsk_home = site_for(rylsk, "rylsk.localhost").root_page
    kursk_home = site_for(kursk, "kursk.localhost").root_page

    assert contact_inputs(admin_client, rylsk_home) == {
        "address": "307370, г. Рыльск, ул. Ленина, 1",
        "phone": "+7 (47152) 2-11-11",
        "email": "rylsk@example.org",
        "chair": "Петрова Анна Сергеевна",
    }
    assert contact_inputs(admin_client, kursk_home)["chair"] == "Смирнов Олег Иванович"

    # Saved as shown: the page carries the registry's contacts.
    response = post_add_form(admin_client, ContactsPage, rylsk_home, title="Контакты", slug="c")
    page = assert_published(response, ContactsPage, rylsk_home, "c")
    assert (page.address, page.phone, page.email, page.chair) == (
        "307370, г. Рыльск, ул. Ленина, 1",
        "+7 (47152) 2-11-11",
        "rylsk@example.org",
        "Петрова Анна Сергеевна",
    )


@pytest.mark.django_db
def test_contacts_page_on_a_site_without_organization_starts_empty(admin_client):
    home = factories.HomePageFactory()
    assert contact_inputs(admin_client, home) == {
        "address": "",
        "phone": "",
        "email": "",
        "chair": "",
    }


# One public report per year per organization ------------------------------------------------


def duplicate_year_message(year):
    with translation.override("ru"):
        return gettext("This organization already has a public report for %(year)s.") % {
            "year": year
        }


@pytest.fixture
def two_report_indexes(site_for):
    """The report indexes of two organizations' sites; the first already has a 2024 report."""
    indexes = []
    for short_name, hostname in (("Щигровская", "shchigry"), ("Беловская", "belaya")):
        organization = factories.TerritorialOrganizationFactory(short_name=short_name)
        home = site_for(organization, f"{hostname}.localhost").root_page
        indexes.append(factories.ReportIndexPageFactory(parent=home))
    factories.PublicReportPageFactory(parent=indexes[0], year=2024)
    return indexes


@pytest.mark.django_db
def test_admin_refuses_second_report_for_the_same_year(admin_client, two_report_indexes):
    shchigry, belaya = two_report_indexes
    report = {"title": "Отчёт за 2024 год", "slug": "again-2024", "year": "2024", "summary": "."}

    response = post_add_form(admin_client, PublicReportPage, shchigry, **report)
    assert response.status_code == 200
    assert response.context["form"].errors["year"] == [duplicate_year_message(2024)]
    assert duplicate_year_message(2024) in response.content.decode()
    assert PublicReportPage.objects.child_of(shchigry).filter(year=2024).count() == 1

    # Another organization's site may have its own 2024 report.
    response = post_add_form(admin_client, PublicReportPage, belaya, **report)
    assert_published(response, PublicReportPage, belaya, "again-2024")


@pytest.mark.django_db
def test_model_refuses_second_report_for_the_same_year(two_report_indexes):
    shchigry, belaya = two_report_indexes

    with pytest.raises(ValidationError) as refused:
        shchigry.add_child(instance=PublicReportPage(title="Дубль", year=2024, summary="."))
    assert refused.value.message_dict["year"] == [duplicate_year_message(2024)]
    assert PublicReportPage.objects.child_of(shchigry).count() == 1

    report_2023 = factories.PublicReportPageFactory(parent=shchigry, year=2023)
    report_2023.year = 2024
    with pytest.raises(ValidationError) as refused:
        report_2023.full_clean()
    assert refused.value.message_dict["year"] == [duplicate_year_message(2024)]

    belaya.add_child(instance=PublicReportPage(title="Отчёт", slug="r", year=2024, summary="."))
    factories.PublicReportPageFactory(parent=shchigry, year=2025).full_clean()
