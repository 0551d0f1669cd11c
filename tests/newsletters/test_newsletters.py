"""News by e-mail (newsletters/): subscribing with consent, confirming by the link in the
letter (double opt-in), the digests a cron run sends — each news item once, daily or weekly,
with the organizations' flow when asked, a failed send tried again — and unsubscribing in
one click."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from news.models import NewsIndexPage, NewsPage
from newsletters import digest
from newsletters.models import DigestSend, Subscription
from privacy.models import ConsentRecord
from sites.network.building import add_published_child

from ..site_content import ZHELEZNOGORSK

pytestmark = pytest.mark.django_db

SCHOOL = "school5-zh.localhost"


def subscribe(client, host=ZHELEZNOGORSK, **extra):
    data = {"email": "Reader@Example.org", "frequency": "daily", "consent": "on", **extra}
    return client.post("/rassylka/", data, HTTP_HOST=host)


def confirm_link(message):
    return re.search(r"http://[^/]+(/rassylka/podtverdit/[^/]+/)", message.body).group(1)


def confirmed(client, host=ZHELEZNOGORSK, **extra):
    with_commit = extra.pop("capture")
    with with_commit(execute=True):
        subscribe(client, host, **extra)
    path = confirm_link(mail.outbox[-1])
    client.post(path, HTTP_HOST=host)
    return Subscription.objects.get(site__hostname=host)


def publish(organization, title, at, **extra):
    index = NewsIndexPage.objects.child_of(organization.home_page).get()
    page = NewsPage(
        title=title, slug=f"n{abs(hash(title)) % 10**8}", lead="Коротко.", date=at.date(), **extra
    )
    return add_published_child(index, page, at=at)


def test_subscribing_asks_consent_and_waits_for_confirmation(
    client, region, django_capture_on_commit_callbacks
):
    html = client.get("/rassylka/", HTTP_HOST=ZHELEZNOGORSK).text
    assert 'name="consent"' in html and 'name="with_organizations"' in html
    assert 'name="with_organizations"' not in client.get("/rassylka/", HTTP_HOST=SCHOOL).text
    response = subscribe(client, consent="")
    assert "Без согласия" in response.text and Subscription.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(client)
    assert "Мы отправили письмо на reader@example.org" in response.text
    subscription = Subscription.objects.get()
    assert subscription.email == "reader@example.org" and subscription.confirmed_at is None
    assert ConsentRecord.objects.get().purpose == "subscription"
    (letter,) = mail.outbox
    assert letter.to == ["reader@example.org"]
    path = confirm_link(letter)
    assert "http://zheleznogorsk.localhost/rassylka/podtverdit/" in letter.body
    page = client.get(path, HTTP_HOST=ZHELEZNOGORSK)
    assert "Подтвердить подписку" in page.text
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None, "opening the link (a mail scanner) confirms nothing"
    assert "Подписка подтверждена" in client.post(path, HTTP_HOST=ZHELEZNOGORSK).text
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None


def test_subscribing_again_tells_nothing_and_changes_nothing(
    client, region, django_capture_on_commit_callbacks
):
    subscription = confirmed(client, capture=django_capture_on_commit_callbacks)
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(client, frequency="weekly")
    assert "Мы отправили письмо на reader@example.org" in response.text
    assert len(mail.outbox) == sent
    assert Subscription.objects.get().frequency == subscription.frequency == "daily"


def test_a_digest_sends_each_news_item_once(client, region, django_capture_on_commit_callbacks):
    subscription = confirmed(client, capture=django_capture_on_commit_callbacks)
    start = subscription.confirmed_at
    publish(region["territorial"], "Старая новость", start - datetime.timedelta(hours=1))
    publish(region["territorial"], "Семинар прошёл", start + datetime.timedelta(hours=2))
    publish(region["territorial"], "Конкурс объявлен", start + datetime.timedelta(hours=3))
    publish(region["other"], "Новость Рыльска", start + datetime.timedelta(hours=3))
    mail.outbox.clear()
    too_early = digest.run(now=start + datetime.timedelta(hours=12))
    assert too_early.sent == 0 and not mail.outbox
    day = start + datetime.timedelta(days=1)
    assert digest.run(now=day).sent == 1
    (letter,) = mail.outbox
    assert "Семинар прошёл" in letter.body and "Конкурс объявлен" in letter.body
    assert "Старая новость" not in letter.body and "Новость Рыльска" not in letter.body
    unsubscribe = f"http://zheleznogorsk.localhost/rassylka/otpiska/{subscription.token}/"
    assert letter.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert letter.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Семинар прошёл" in letter.alternatives[0][0]
    assert digest.run(now=day + datetime.timedelta(minutes=5)).sent == 0
    assert digest.run(now=day + datetime.timedelta(days=1)).nothing_new == 1
    assert len(mail.outbox) == 1, "nothing sent twice"
    log = DigestSend.objects.get()
    assert log.result == "sent" and log.news_count == 2


def test_weekly_readers_get_a_letter_a_week(client, region, django_capture_on_commit_callbacks):
    subscription = confirmed(client, capture=django_capture_on_commit_callbacks, frequency="weekly")
    start = subscription.confirmed_at
    publish(region["territorial"], "Новость недели", start + datetime.timedelta(days=1))
    mail.outbox.clear()
    assert digest.run(now=start + datetime.timedelta(days=3)).sent == 0
    assert digest.run(now=start + datetime.timedelta(days=7)).sent == 1


def test_the_organizations_flow_when_asked(client, region, django_capture_on_commit_callbacks):
    subscription = confirmed(
        client, capture=django_capture_on_commit_callbacks, with_organizations="on"
    )
    start = subscription.confirmed_at
    at = start + datetime.timedelta(hours=1)
    publish(region["primary"], "Урок в школе № 5", at, show_in_parent_feed=True)
    publish(region["primary"], "Внутренняя новость школы", at)
    mail.outbox.clear()
    digest.run(now=start + datetime.timedelta(days=1))
    (letter,) = mail.outbox
    assert "Урок в школе № 5" in letter.body and "ППО СОШ № 5" in letter.body
    assert "http://school5-zh.localhost/novosti/" in letter.body
    assert "Внутренняя новость школы" not in letter.body


class Broken:
    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP down")

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False

    def open(self):
        pass

    def close(self):
        pass


def test_a_failed_send_is_logged_and_sent_by_the_next_run(
    client, region, django_capture_on_commit_callbacks
):
    subscription = confirmed(client, capture=django_capture_on_commit_callbacks)
    start = subscription.confirmed_at
    publish(region["territorial"], "Важная новость", start + datetime.timedelta(hours=1))
    mail.outbox.clear()
    day = start + datetime.timedelta(days=1)
    failed = digest.run(now=day, connection=Broken())
    assert failed.failed == 1 and "SMTP down" in failed.errors[0]
    assert DigestSend.objects.get().result == "failed"
    subscription.refresh_from_db()
    assert subscription.sent_until == start, "not moved on: tried again next time"
    assert digest.run(now=day + datetime.timedelta(hours=1)).sent == 1
    assert "Важная новость" in mail.outbox[0].body


def test_one_click_unsubscribe(client, region, django_capture_on_commit_callbacks):
    subscription = confirmed(client, capture=django_capture_on_commit_callbacks)
    path = f"/rassylka/otpiska/{subscription.token}/"
    assert client.get(path, HTTP_HOST=SCHOOL).status_code == 404, "only on its own site"
    assert "Отписаться" in client.get(path, HTTP_HOST=ZHELEZNOGORSK).text
    mail_client = Client(enforce_csrf_checks=True)  # as a mail client posts it
    response = mail_client.post(path, {"List-Unsubscribe": "One-Click"}, HTTP_HOST=ZHELEZNOGORSK)
    assert response.status_code == 200 and "Вы отписаны" in response.text
    assert Subscription.objects.count() == 0
    assert client.post(path, HTTP_HOST=ZHELEZNOGORSK).status_code == 200


def test_a_digest_run_reads_news_per_site_not_per_reader(
    client, region, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = confirmed(client, capture=django_capture_on_commit_callbacks)
    now = timezone.now()
    publish(
        region["territorial"],
        "Новость для всех",
        first.confirmed_at + datetime.timedelta(minutes=1),
    )
    site = first.site
    for n in range(20):
        Subscription.objects.create(
            site=site,
            email=f"r{n}@example.org",
            frequency="daily",
            confirmed_at=first.confirmed_at,
            sent_until=first.confirmed_at,
        )
    with CaptureQueriesContext(connection) as queries:
        summary = digest.run(now=now + datetime.timedelta(days=1))
    assert summary.sent == 21
    news_queries = [q for q in queries if "news_newspage" in q["sql"]]
    assert len(news_queries) <= 2


def test_erasing_a_reader_removes_the_subscription_and_keeps_the_log(
    client, region, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    from sites.personal_data import holders

    subscription = confirmed(client, capture=django_capture_on_commit_callbacks)
    publish(
        region["territorial"], "Новость", subscription.confirmed_at + datetime.timedelta(hours=1)
    )
    digest.run(now=subscription.confirmed_at + datetime.timedelta(days=1))
    admin = get_user_model().objects.create_superuser("root", password="x")
    erasure = holders.erase("reader@example.org", user=admin)
    assert erasure.removed["Подписки на новости"] == 1
    assert Subscription.objects.count() == 0
    log = DigestSend.objects.get()
    assert log.subscription is None and log.result == "sent"
