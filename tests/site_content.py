"""A small region with content on every page type, for the tests of what the public sites serve
besides pages (accessibility mode, web app, error pages) and of their HTML."""

import datetime
import json

from django.utils import timezone

from directory.models import ContactsPage, Organization
from events.models import EventIndexPage, EventPage
from home.models import StandardPage
from news.models import NewsIndexPage, NewsPage
from reports.models import PublicReportPage, ReportIndexPage
from sites.network.building import add_published_child
from sites.onboarding.services import onboard, site_template
from webforms.models import FormPage

from . import factories

ZHELEZNOGORSK = "zheleznogorsk.localhost"
RYLSK = "rylsk.localhost"

# The page types on the Zheleznogorsk site, by name: (path, expected status).
PAGES = {
    "home": "/",
    "news-index": "/novosti/",
    "news": "/novosti/news-1/",
    "report-index": "/otchety/",
    "report": "/otchety/otchet-2025/",
    "contacts": "/kontakty/",
    "standard": "/o-profsoyuze/",
    "policy": "/politika-personalnykh-dannykh/",
    "how-to-join": "/kak-vstupit/",
    "form": "/opros/",
    "events": "/sobytiya/",
    "event": "/sobytiya/seminar/",
    "subscribe": "/rassylka/",
}


def body(image):
    """A StreamField body with one block of every kind but embeds (they need the network)."""
    return json.dumps(
        [
            {"type": "heading", "value": {"text": "Как это было", "level": "h2"}},
            {
                "type": "paragraph",
                "value": "<p>Открытые уроки прошли в <b>девяти</b> школах города.</p>"
                "<ul><li>математика</li><li>литература</li></ul>",
            },
            {
                "type": "image",
                "value": {
                    "image": {
                        "image": image.pk,
                        "alt_text": "Учитель у доски",
                        "decorative": False,
                    },
                    "caption": "Открытый урок в школе № 5",
                },
            },
            {
                "type": "quote",
                "value": {"text": "Учитель — это призвание.", "attribution": "Т. Н. Иванова"},
            },
            {
                "type": "table",
                "value": {
                    "data": [["Школа", "Участников"], ["№ 5", "12"], ["№ 7", "9"]],
                    "first_row_is_table_header": True,
                    "first_col_is_header": False,
                    "table_caption": "Участники по школам",
                },
            },
        ]
    )


def build_region():
    """The regional organization, two territorial ones (Zheleznogorsk, Rylsk) with sites built
    by onboarding, news with a photo and a rich body, and a public report on Zheleznogorsk's."""
    regional = factories.regional_organization()
    zheleznogorsk = factories.OrganizationFactory(
        kind="territorial",
        code="46-01",
        short_name="Железногорская городская организация",
        name="Железногорская городская организация Общероссийского Профсоюза образования",
        hostname="zheleznogorsk",
        parent=regional,
        address="г. Железногорск, ул. Ленина, д. 57",
        phone="+7 (47148) 2-61-15",
        email="zh@profobr46.example",
        chair="Иванова Татьяна Николаевна",
    )
    rylsk = factories.OrganizationFactory(
        kind="territorial",
        code="46-02",
        short_name="Рыльская районная организация",
        hostname="rylsk",
        parent=regional,
    )
    organizations = {"regional": regional, "zheleznogorsk": zheleznogorsk, "rylsk": rylsk}
    for organization in organizations.values():
        onboard(organization)
        organization.refresh_from_db()

    photo = factories.ImageFactory(title="Педагоги на конкурсе", file__width=800, file__height=450)
    index = NewsIndexPage.objects.child_of(zheleznogorsk.site.root_page).get()
    for n in (1, 2):
        add_published_child(
            index,
            NewsPage(
                title=f"Итоги конкурса «Педагог года» № {n}",
                slug=f"news-{n}",
                date=datetime.date(2026, 3, 12) - datetime.timedelta(days=n),
                lead="Девять педагогов показали открытые уроки.",
                main_image=photo,
                body=body(photo),
            ),
        )
    reports = ReportIndexPage.objects.child_of(zheleznogorsk.site.root_page).get()
    add_published_child(
        reports,
        PublicReportPage(
            title="Публичный отчёт за 2025 год",
            slug="otchet-2025",
            year=2025,
            summary="Итоги работы городской организации Профсоюза за 2025 год.",
            members_count=2172,
            info_budget_share="4.5",
            body=body(photo),
        ),
    )
    assert (
        StandardPage.objects.child_of(zheleznogorsk.site.root_page)
        .filter(slug="o-profsoyuze")
        .exists()
    ), "the site template has the «О Профсоюзе» page"
    assert ContactsPage.objects.child_of(zheleznogorsk.site.root_page).exists()
    survey(zheleznogorsk.site.root_page)
    seminar(zheleznogorsk.site.root_page, image=photo)
    return organizations


def seminar(home, days=30, **extra):
    """«Семинар по охране труда» (`/sobytiya/seminar/`) on the site of `home`, in `days`."""
    start = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(days=days)
    return add_published_child(
        EventIndexPage.objects.child_of(home).get(),
        EventPage(
            title="Семинар по охране труда",
            slug="seminar",
            start=start,
            end=start + datetime.timedelta(hours=3),
            place="Дом учителя, ул. Ленина, 1",
            summary="Занятие для уполномоченных по охране труда первичных организаций.",
            **extra,
        ),
    )


def survey(home):
    """«Опрос о нагрузке» under `home`: a name, an e-mail, a choice and a comment."""
    page = add_published_child(
        home,
        FormPage(
            title="Опрос о нагрузке",
            slug="opros",
            intro="<p>Ответьте на три вопроса.</p>",
            purpose="изучение мнения членов профсоюза",
            thank_you_text="<p>Спасибо за ответ!</p>",
        ),
    )
    fields = [
        ("ФИО", "singleline", "", True),
        ("E-mail", "email", "", True),
        ("Нагрузка", "radio", "Нормальная\nВысокая\nЧрезмерная", True),
        ("Комментарий", "multiline", "", False),
    ]
    page.add_fields(fields)
    return FormPage.objects.get(pk=page.pk)


def build_small_region():
    regional = factories.regional_organization()
    territorial = factories.org(
        "territorial",
        "46-01",
        "Железногорская городская организация",
        "zheleznogorsk",
        regional,
        address="г. Железногорск, ул. Ленина, д. 57",
        phone="+7 (47148) 2-61-15",
        email="zh@profobr46.example",
        chair="Иванова Татьяна Николаевна",
    )
    primary = factories.org("primary", "46-01-001", "ППО СОШ № 5", "school5-zh", territorial)
    other = factories.org(
        "territorial", "46-02", "Рыльская районная организация", "rylsk", regional
    )
    for organization in (regional, territorial, primary, other):
        onboard(organization)
        organization.refresh_from_db()
    return {"regional": regional, "territorial": territorial, "primary": primary, "other": other}


def primaries_apart():
    """Primary A under territorial T, and primary B under another territorial organization,
    each with the site onboarding builds: the smallest world in which one organization's work
    must stay out of another's reach. Returns (t, a, b), fresh from the database."""
    site_template()
    t = factories.TerritorialOrganizationFactory(short_name="Территориальная")
    onboard(t)
    a = factories.PrimaryOrganizationFactory(parent=t, short_name="ППО Альфа")
    onboard(a)
    b = factories.PrimaryOrganizationFactory(short_name="ППО Бета")
    onboard(b)
    return tuple(Organization.objects.get(pk=org.pk) for org in (t, a, b))
