"""Social partners and sending them the public report: an organization's editors keep their
partners, send a published report (its link and PDF) once per partner, and see it in the log
and the coverage report; nothing of it reaches another organization's editors."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from news.models import NewsIndexPage, NewsPage
from partners.models import PartnerNewsLetter, ReportSending, SocialPartner
from reports.models import PublicReportPage, ReportIndexPage
from sites.freshness.public_reports import default_report_year
from sites.network.building import add_published_child
from sites.partners.news import send_partner_news
from tests.freshness.test_freshness_admin import COVERAGE_URL, exported_xlsx
from tests.freshness.test_freshness_panel import editor_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def zh(region):
    return region["territorial"]


@pytest.fixture
def report(zh):
    index = ReportIndexPage.objects.child_of(zh.site.root_page).get()
    return add_published_child(
        index,
        PublicReportPage(
            title="Публичный отчёт за 2025 год",
            slug="otchet-2025",
            year=2025,
            summary="Итоги года.",
            members_count=2172,
        ),
    )


@pytest.fixture
def partners(zh):
    return [
        SocialPartner.objects.create(
            organization=zh,
            name="Управление образования г. Железногорска",
            kind="authority",
            contact_person="Петрова Анна Сергеевна",
            email="uo@zh.example",
        ),
        SocialPartner.objects.create(
            organization=zh, name="МБОУ СОШ № 5", kind="employer", email="school5@zh.example"
        ),
    ]


@pytest.fixture
def editor(client, zh):
    user = editor_of(zh, "zh-editor")
    client.force_login(user)
    return user


def send_url(report):
    return reverse("partners_send", args=[report.pk])


def messages_of(response):
    return " ".join(str(message) for message in response.context["messages"])


def test_an_editor_adds_a_partner_for_their_organization(client, zh, editor):
    response = client.post(
        reverse("partners:add"),
        {
            "organization": zh.pk,
            "name": "Управление образования",
            "kind": "authority",
            "contact_person": "Петрова А. С.",
            "email": "UO@Zh.Example ",
        },
    )
    assert response.status_code == 302
    partner = SocialPartner.objects.get()
    assert (partner.organization, partner.email) == (zh, "uo@zh.example")
    assert "Управление образования" in client.get(reverse("partners:index")).text


def test_another_organization_cannot_be_chosen(client, region, editor):
    response = client.post(
        reverse("partners:add"),
        {
            "organization": region["other"].pk,
            "name": "Чужой",
            "kind": "other",
            "email": "x@example.org",
        },
    )
    assert response.status_code == 200
    assert "Выберите свою организацию из списка." in response.text
    assert not SocialPartner.objects.exists()


def test_a_second_partner_with_the_same_address_is_refused(client, zh, editor, partners):
    response = client.post(
        reverse("partners:add"),
        {"organization": zh.pk, "name": "Дубль", "kind": "other", "email": "uo@zh.example"},
    )
    assert response.status_code == 200
    assert "уже есть партнёр с таким адресом" in response.text
    assert SocialPartner.objects.count() == 2


def test_a_report_is_sent_to_two_partners_with_its_link_and_pdf(
    client, zh, editor, report, partners
):
    page = client.get(send_url(report))
    assert page.status_code == 200
    assert page.text.count('name="partners"') == 2 and page.text.count(" checked") == 2
    response = client.post(send_url(report), {"partners": [p.pk for p in partners]}, follow=True)
    assert "Отчёт отправлен" in messages_of(response)
    assert sorted(letter.to[0] for letter in mail.outbox) == ["school5@zh.example", "uo@zh.example"]
    letter = next(letter for letter in mail.outbox if letter.to == ["uo@zh.example"])
    assert letter.subject == f"Публичный отчёт: {zh.short_name}, 2025 год"
    assert "Петрова Анна Сергеевна" in letter.body
    assert "http://zheleznogorsk.localhost/otchety/otchet-2025/" in letter.body
    assert letter.reply_to == [zh.email]
    ((name, content, mimetype),) = letter.attachments
    assert (name, mimetype) == ("publichnyj-otchet-46-01-2025.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    log = ReportSending.objects.filter(report=report, ok=True)
    assert log.count() == 2 and {row.sent_by for row in log} == {editor}
    # The page now shows both as sent, none ticked; the log lists them.
    again = client.get(send_url(report)).text
    assert again.count("отправлено ") >= 2 and " checked" not in again
    sendings = client.get(reverse("partners_sendings")).text
    assert "МБОУ СОШ № 5" in sendings and "Управление образования" in sendings


def test_once_per_partner_unless_sent_again_on_purpose(client, editor, report, partners):
    client.post(send_url(report), {"partners": [partners[0].pk]})
    response = client.post(send_url(report), {"partners": [partners[0].pk]}, follow=True)
    assert "Уже получили этот отчёт" in messages_of(response)
    assert len(mail.outbox) == 1
    client.post(send_url(report), {"partners": [partners[0].pk], "resend": "on"})
    assert len(mail.outbox) == 2
    assert ReportSending.objects.filter(partner=partners[0], ok=True).count() == 2


def test_a_failed_letter_is_logged_and_the_rest_go(client, editor, report, partners, monkeypatch):
    send = EmailMessage.send

    def flaky(letter, fail_silently=False):
        if letter.to == ["uo@zh.example"]:
            raise ConnectionRefusedError("SMTP сервер недоступен")
        return send(letter, fail_silently)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    response = client.post(send_url(report), {"partners": [p.pk for p in partners]}, follow=True)
    assert "Не удалось отправить: Управление образования" in messages_of(response)
    failed = ReportSending.objects.get(ok=False)
    assert failed.email == "uo@zh.example" and "недоступен" in failed.error
    assert [letter.to for letter in mail.outbox] == [["school5@zh.example"]]
    # Not yet received: ticked again for the next try.
    assert client.get(send_url(report)).text.count(" checked") == 1


def test_an_unpublished_report_is_not_sent(client, editor, report, partners):
    report.unpublish()
    response = client.post(send_url(report), {"partners": [partners[0].pk]}, follow=True)
    assert "Сначала опубликуйте отчёт" in messages_of(response)
    assert not mail.outbox and not ReportSending.objects.exists()


def test_a_partner_of_another_organization_cannot_be_sent_to(
    client, region, editor, report, partners
):
    stranger = SocialPartner.objects.create(
        organization=region["other"], name="Чужой партнёр", email="other@example.org"
    )
    response = client.post(send_url(report), {"partners": [stranger.pk]})
    assert response.status_code == 200
    assert "Выберите партнёров из списка своей организации." in response.text
    assert not mail.outbox


def test_other_editors_cannot_send_it_nor_see_the_button(client, region, report, partners):
    # A territorial organization's editors may edit its primaries' pages; here the other way
    # round: the primary's editor and another territorial's have no business with it.
    for org, username in ((region["primary"], "school-editor"), (region["other"], "ry-editor")):
        client.force_login(editor_of(org, username))
        assert client.get(send_url(report)).status_code == 404
        assert client.post(send_url(report), {"partners": [partners[0].pk]}).status_code == 404
    assert not mail.outbox


def test_the_button_is_in_the_published_reports_header(client, editor, report):
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[report.pk])).text
    assert "Направить социальным партнёрам" in edit and send_url(report) in edit


def test_partners_and_sendings_are_listed_in_a_fixed_number_of_queries(client, zh, editor, report):
    counts = {}
    for total in (3, 30):
        for n in range(SocialPartner.objects.count(), total):
            partner = SocialPartner.objects.create(
                organization=zh, name=f"Партнёр {n}", email=f"p{n}@example.org"
            )
            ReportSending.objects.create(
                report=report,
                organization=zh,
                partner=partner,
                partner_name=partner.name,
                email=partner.email,
                year=2025,
                ok=True,
            )
        for url in (reverse("partners:index"), reverse("partners_sendings"), send_url(report)):
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.setdefault(url, []).append(len(queries))
    for url, (small, large) in counts.items():
        assert small == large, (url, small, large)


def test_the_coverage_report_shows_who_published_and_who_sent_this_years_report(
    client, region, zh, partners, django_user_model
):
    """The year's report (the past calendar year's) of the territorial organization and its
    primaries: Железногорская's own published and sent, its primary's published only."""
    year = default_report_year()
    for org, slug in ((zh, "zh"), (region["primary"], "school")):
        index = ReportIndexPage.objects.child_of(org.site.root_page).get()
        add_published_child(
            index, PublicReportPage(title=f"Отчёт {slug}", slug=slug, year=year, summary=".")
        )
    report = PublicReportPage.objects.get(slug="zh")
    client.force_login(editor_of(zh, "zh-editor"))
    client.post(send_url(report), {"partners": [partners[0].pk]})
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    workbook = exported_xlsx(client, COVERAGE_URL)
    lines = {row[0]: row for row in workbook.worksheets[0].iter_rows(values_only=True)}
    assert lines[zh.short_name][-2:] == (2, 1)
    assert lines[region["other"].short_name][-2:] == (0, 0)
    assert lines["Итого по области"][-2:] == (2, 1)


# The monthly letter of news «Для социальных партнёров» -------------------------------------


def marked(zh, slug, *, for_partners=True, published=None):

    index = NewsIndexPage.objects.child_of(zh.site.root_page).get()
    return add_published_child(
        index,
        NewsPage(
            title=f"Новость {slug}",
            slug=slug,
            lead=f"Анонс {slug}",
            for_social_partners=for_partners,
        ),
        at=published,
    )


def test_the_monthly_letter_sends_each_marked_item_once(zh, partners):

    now = timezone.now()
    marked(zh, "soglashenie", published=now - timedelta(days=3))
    marked(zh, "vnutrennee", for_partners=False, published=now - timedelta(days=2))
    summary = send_partner_news(now)
    assert summary.sent == 2 and sorted(m.to[0] for m in mail.outbox) == [
        "school5@zh.example",
        "uo@zh.example",
    ]
    letter = mail.outbox[0]
    assert "Новость soglashenie" in letter.body and "Новость vnutrennee" not in letter.body
    assert "http://zheleznogorsk.localhost/novosti/soglashenie/" in letter.body
    assert PartnerNewsLetter.objects.filter(ok=True, items=1).count() == 2
    # Run again the same day, or a week later: nothing new is sent.
    assert send_partner_news(now).sent == 0
    marked(zh, "seminar", published=now + timedelta(days=5))
    assert send_partner_news(now + timedelta(days=7)).sent == 0, "one letter a month"
    # A month later: the new item only.
    mail.outbox.clear()
    assert send_partner_news(now + timedelta(days=30)).sent == 2
    assert "Новость seminar" in mail.outbox[0].body and "soglashenie" not in mail.outbox[0].body


def test_a_failed_monthly_letter_is_logged_and_sent_by_the_next_run(zh, partners, monkeypatch):

    now = timezone.now()
    marked(zh, "soglashenie", published=now - timedelta(days=1))

    def broken(letter, fail_silently=False):
        raise ConnectionRefusedError("SMTP сервер недоступен")

    monkeypatch.setattr(EmailMessage, "send", broken)
    summary = send_partner_news(now)
    assert summary.failed == 2 and not mail.outbox
    assert PartnerNewsLetter.objects.filter(ok=False).count() == 2
    monkeypatch.undo()
    assert send_partner_news(now + timedelta(hours=1)).sent == 2
    assert all("soglashenie" in letter.body for letter in mail.outbox)


def test_another_organizations_partners_never_get_its_news(region, zh, partners):

    SocialPartner.objects.create(
        organization=region["other"], name="Рыльское УО", email="uo@rylsk.example"
    )
    marked(zh, "soglashenie", published=timezone.now())
    send_partner_news(timezone.now())
    assert "uo@rylsk.example" not in [letter.to[0] for letter in mail.outbox]
