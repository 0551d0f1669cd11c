"""What a would-be member does in a real browser (issue: members sign up, ask and come along):
reads the personal data policy, sends an application to join and a survey with consent,
subscribes to the news and confirms by the link in the letter, finds an event and adds it to
a calendar; on a phone the header leaves the page most of the first screen and its menu
opens and closes without JavaScript; the new page types pass axe-core in both versions."""

import re
from pathlib import Path

import pytest
from django.core import mail
from icalendar import Calendar
from playwright.sync_api import expect
from wagtail.contrib.forms.models import FormSubmission

from membership.models import Application
from newsletters.models import Subscription
from privacy.models import ConsentRecord

from ..site_content import seminar, survey
from ..tools import AXE_JS, require_node_file
from .test_reading import MODES, axe_violations, describe, set_mode

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ZHELEZNOGORSK = "zheleznogorsk.localhost"
NEW_PAGES = {
    "policy": "/politika-personalnykh-dannykh/",
    "how-to-join": "/kak-vstupit/",
    "survey": "/opros/",
    "events": "/sobytiya/",
    "event": "/sobytiya/seminar/",
    "subscribe": "/rassylka/",
}


@pytest.fixture
def content(region):
    home = region["zheleznogorsk"].site.root_page
    survey(home)
    seminar(home, days=14)
    return region


def test_a_visitor_joins_answers_subscribes_and_adds_an_event(page, site_url, content):
    school = content["school"]
    page.goto(site_url(ZHELEZNOGORSK))
    # The policy, from the footer.
    page.get_by_role("contentinfo").get_by_role(
        "link", name="Политика обработки персональных данных"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Политика обработки персональных данных"
    )
    expect(page.get_by_role("main")).to_contain_text("Иванова Татьяна Николаевна")

    # An application to join, to the school where the visitor works.
    page.goto(site_url(ZHELEZNOGORSK, "/kak-vstupit/"))
    form = page.locator("form.site-form")
    form.get_by_label("Фамилия, имя, отчество").fill("Сидорова Анна Ивановна")
    form.get_by_label("Место работы").select_option(label="ППО СОШ № 5")
    form.get_by_label("Должность").fill("учитель математики")
    form.get_by_label("Телефон").fill("+7 900 000-00-00")
    form.get_by_role("button", name="Отправить заявление").click()
    expect(page.get_by_role("alert").or_(page.locator(".site-form__error")).first).to_contain_text(
        "Без согласия"
    )
    assert Application.objects.count() == 0, "not without consent"
    page.get_by_label(re.compile("Я даю согласие")).check()
    page.get_by_role("button", name="Отправить заявление").click()
    expect(page.get_by_role("status")).to_contain_text("Заявление отправлено в ППО СОШ № 5")
    application = Application.objects.get()
    assert application.organization == school

    # A survey.
    page.goto(site_url(ZHELEZNOGORSK, "/opros/"))
    page.get_by_label("ФИО").fill("Сидорова Анна Ивановна")
    page.get_by_label("E-mail").fill("anna@example.org")
    page.get_by_label("Высокая").check()
    page.get_by_label(re.compile("Я даю согласие")).check()
    page.get_by_role("button", name="Отправить").click()
    expect(page.get_by_role("status")).to_contain_text("Спасибо за ответ!")
    assert FormSubmission.objects.count() == 1

    # News by e-mail, confirmed by the link in the letter.
    page.goto(site_url(ZHELEZNOGORSK, "/novosti/"))
    page.get_by_role("link", name="Новости по электронной почте").click()
    page.get_by_label("E-mail").fill("anna@example.org")
    page.get_by_label("каждый день").check()
    page.get_by_label(re.compile("Я даю согласие")).check()
    page.get_by_role("button", name="Подписаться").click()
    expect(page.get_by_role("status")).to_contain_text("Мы отправили письмо на anna@example.org")
    (letter,) = [m for m in mail.outbox if "Подтвердите подписку" in m.subject]
    link = re.search(r"(http://\S+/rassylka/podtverdit/\S+/)", letter.body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Подтвердить подписку").click()
    expect(page.get_by_role("status")).to_contain_text("Подписка подтверждена")
    assert Subscription.objects.get().confirmed_at is not None
    purposes = sorted(ConsentRecord.objects.values_list("purpose", flat=True))
    assert purposes == ["application", "form", "subscription"]

    # An event, from the menu, added to a calendar.
    page.goto(site_url(ZHELEZNOGORSK))
    page.get_by_role("navigation", name="Главное меню").get_by_role("link", name="События").click()
    page.get_by_role("link", name="Семинар по охране труда").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Добавить в календарь").click()
    ics = Path(download.value.path()).read_bytes()
    (item,) = Calendar.from_ical(ics).walk("VEVENT")
    assert str(item["SUMMARY"]) == "Семинар по охране труда"
    assert str(item["LOCATION"]) == "Дом учителя, ул. Ленина, 1"


def test_on_a_phone_the_header_leaves_the_first_screen_to_the_page(browser, site_url, content):
    """360×640: the header (name, menu, search, the accessibility link) within a quarter of
    the screen's height; «Меню» opens and closes with JavaScript off."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, java_script_enabled=False)
    try:
        page = context.new_page()
        for path in ("/", "/novosti/news-1/", *NEW_PAGES.values()):
            page.goto(site_url(ZHELEZNOGORSK, path))
            height = page.evaluate(
                "document.querySelector('.site-header').getBoundingClientRect().height"
            )
            assert height <= 160, f"{path}: the header is {height:.0f} px high"
            expect(page.get_by_role("link", name="Версия для слабовидящих")).to_be_visible()
            expect(page.get_by_role("search")).to_be_visible()
        menu = page.locator("details.mobile-nav")
        events_link = menu.get_by_role("link", name="События")
        expect(events_link).to_be_hidden()
        menu.locator("summary").click()
        expect(events_link).to_be_visible()
        expect(menu.get_by_role("link", name="Курская областная организация")).to_be_visible()
        menu.locator("summary").click()
        expect(events_link).to_be_hidden()
        menu.locator("summary").click()
        events_link.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("События")
    finally:
        context.close()


def test_new_page_types_pass_axe_in_both_versions(page, site_url, content):
    require_node_file(AXE_JS)
    failures = []
    for mode in ("standard", "a11y-wb"):
        set_mode(page, site_url, ZHELEZNOGORSK, MODES[mode])
        for name, path in NEW_PAGES.items():
            page.goto(site_url(ZHELEZNOGORSK, path))
            violations = axe_violations(page, enhanced_contrast=MODES[mode] is not None)
            if violations:
                failures.append(f"{name} ({mode}, {path}):\n{describe(violations)}")
    assert not failures, "axe-core found serious or critical violations:\n" + "\n".join(failures)


def test_metrica_waits_for_the_visitors_consent(page, site_url, content):
    from sites.network.models import SiteBranding

    branding = SiteBranding.for_site(content["zheleznogorsk"].site)
    branding.metrica_counter = "12345678"
    branding.save()
    asked = []
    page.route(
        "https://mc.yandex.ru/**", lambda route: (asked.append(route.request.url), route.abort())
    )
    page.goto(site_url(ZHELEZNOGORSK))
    notice = page.get_by_role("region", name="Файлы cookie и статистика")
    expect(notice).to_be_visible()
    assert not asked and page.locator("script[src*='mc.yandex.ru']").count() == 0
    notice.get_by_role("button", name="Не согласен").click()
    expect(notice).to_be_hidden()
    page.reload()
    expect(notice).to_be_hidden()
    assert not asked, "refused: never loaded"
    page.evaluate("localStorage.clear()")
    page.reload()
    notice.get_by_role("button", name="Согласен", exact=True).click()
    expect(page.locator("script[src*='mc.yandex.ru']")).to_have_count(1)
    assert asked, "loaded once the visitor agreed"
