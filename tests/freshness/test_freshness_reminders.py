"""`manage.py send_freshness_reminders` (sites/freshness/reminders.py): one e-mail per change
of status, never twice; digests for territorial organizations; --dry-run; organizations
without editors; a failed send is retried, not lost."""

import datetime
import io

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import CommandError, call_command

from sites.freshness import status as freshness
from sites.freshness.models import FreshnessReminder

from ..freshness.test_freshness_panel import (
    NOW,
    aware,
    editor_of,
    onboarded,
    primary,
    publish_news,
    template_tree,  # noqa: F401 - a fixture
    territorial,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


class Clock:
    def __init__(self, now):
        self.now = now

    def move_to(self, now):
        self.now = now


@pytest.fixture
def clock(monkeypatch):
    """The freshness clock (`sites.freshness.status.current_time`), movable by the test."""
    clock = Clock(NOW)
    monkeypatch.setattr(freshness, "current_time", lambda: clock.now)
    return clock


def run(*args):
    out = io.StringIO()
    call_command("send_freshness_reminders", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def reminders(kind=FreshnessReminder.Kind.SITE):
    return [
        (reminder.organization.code, reminder.status)
        for reminder in FreshnessReminder.objects.filter(kind=kind).order_by("sent_at", "pk")
    ]


def digests():
    return [message for message in mail.outbox if message.subject.startswith("Актуальность")]


@pytest.fixture
def region(template_tree, clock):  # noqa: F811 - the fixture imported above
    """As of 1 March 2026, under «Железногорская» (current; editor zh@example.org):
    46-01-001 school: stale (45 days), editors school@ and school2@ (plus an inactive one and
    one without an e-mail); 46-01-002 kindergarten: no site; 46-01-003 lyceum: abandoned
    (120 days), no editors; 46-01-004 college: empty."""
    zh = onboarded(territorial("46-01", "Железногорская"))
    publish_news(zh, NOW - 2 * DAY)
    editor_of(zh, "zh", "zh@example.org")
    school = onboarded(primary(zh, "46-01-001", "ППО школы № 1"))
    publish_news(school, NOW - 45 * DAY)
    editor_of(school, "school", "school@example.org")
    editor_of(school, "school2", "School2@Example.org")
    editor_of(school, "school-no-email")
    gone = editor_of(school, "school-gone", "gone@example.org")
    gone.is_active = False
    gone.save()
    kindergarten = primary(zh, "46-01-002", "ППО детского сада")
    lyceum = onboarded(primary(zh, "46-01-003", "ППО лицея"), launched=aware(2025, 10, 1))
    publish_news(lyceum, NOW - 120 * DAY)
    college = onboarded(primary(zh, "46-01-004", "ППО колледжа"))
    return {"zh": zh, "school": school, "kg": kindergarten, "lyceum": lyceum, "college": college}


# Sending once --------------------------------------------------------------------------------


def test_first_run_reminds_stale_sites_and_sends_the_digest(region, settings):
    output = run()
    assert reminders() == [("46-01-001", "устаревает")]
    assert sorted(reminders(FreshnessReminder.Kind.DIGEST)) == [
        ("46-01-001", "устаревает"),
        ("46-01-003", "заброшен"),
    ]
    site_mail, digest = mail.outbox
    assert site_mail.to == ["School2@example.org", "school@example.org"]
    assert site_mail.from_email == settings.DEFAULT_FROM_EMAIL
    assert site_mail.subject == "Сайт «ППО школы № 1» устаревает: нет обновлений 45 дней"
    school = region["school"]
    assert f"{school.site.root_url}/" in site_mail.body
    assert f"http://localhost/admin/pages/{school.site.root_page_id}/" in site_mail.body
    assert "нет новостей 45 дней" in site_mail.body
    assert "нет публичного отчёта за 2025 год" in site_mail.body
    assert "не заполнены контакты: адрес, телефон, e-mail" in site_mail.body
    assert "&laquo;" not in site_mail.body and "&quot;" not in site_mail.body, "not escaped"

    assert digest.to == ["zh@example.org"]
    assert "Железногорская" in digest.subject and "— 2" in digest.subject
    new, attention = digest.body.split("Требуют внимания")
    assert "ППО лицея — «заброшен», не обновлялся 120 дней" in new
    assert "у сайта нет редакторов с e-mail" in new
    assert "ППО школы № 1 — «устаревает», не обновлялся 45 дней" in new
    assert "редакторам сайта отправлено напоминание" in new
    assert "ППО колледжа" not in new and "ППО детского сада" not in new
    assert attention.startswith(" 4 из 4 первичных организаций")
    for text in (
        "ППО лицея — не обновлялся 120 дней",
        "ППО колледжа — опубликованы только страницы шаблона",
        "ППО детского сада",
    ):
        assert text in attention
    assert f"/admin/reports/freshness/?territorial={region['zh'].pk}" in digest.body

    assert "Напоминание «устаревает» отправлено: 46-01-001 ППО школы № 1" in output
    assert "Нет редакторов с e-mail, напоминание «заброшен» не отправлено: 46-01-003" in output
    assert "Сводка отправлена: 46-01 Железногорская → zh@example.org (новых: 2)" in output
    assert "Напоминаний отправлено: 1, сводок: 1; без получателей: напоминаний 1" in output


def test_second_run_sends_nothing(region, clock):
    run()
    sent = len(mail.outbox)
    records = FreshnessReminder.objects.count()
    output = run()
    clock.move_to(NOW + 10 * DAY)  # still stale, still abandoned
    output_later = run()
    assert len(mail.outbox) == sent == 2
    assert FreshnessReminder.objects.count() == records
    for text in (output, output_later):
        assert "Напоминаний отправлено: 0, сводок: 0" in text
        assert "46-01-003" in text, "the lyceum without editors is reported on every run"


def test_one_reminder_per_change_of_status_as_the_clock_moves(template_tree, clock):  # noqa: F811
    start = aware(2026, 1, 10)
    org = onboarded(territorial("46-05", "Курчатовская"), launched=start - 10 * DAY)
    publish_news(org, start)
    editor_of(org, "kurchatov", "k@example.org")
    history = []
    for days in (0, 10, 30, 31, 40, 90, 91, 100, 125):
        clock.move_to(start + days * DAY)
        run()
        history.append((days, [m.subject.split(": ")[0] for m in mail.outbox]))
        mail.outbox.clear()
    assert [(days, subjects) for days, subjects in history if subjects] == [
        (31, ["Сайт «Курчатовская» устаревает"]),
        (91, ["Сайт «Курчатовская» заброшен"]),
    ]
    assert reminders() == [("46-05", "устаревает"), ("46-05", "заброшен")]
    # An update makes it current (nothing sent, nothing recorded); its next decline is new.
    clock.move_to(start + 130 * DAY)
    publish_news(org, clock.now)
    run()
    assert not mail.outbox and FreshnessReminder.objects.count() == 2
    sent = {}
    for days in (160, 161, 162):
        clock.move_to(start + days * DAY)
        run()
        sent[days] = [message.body for message in mail.outbox]
        mail.outbox.clear()
    assert [len(bodies) for bodies in sent.values()] == [0, 1, 0]
    assert "не обновлялся 31 день" in sent[161][0]
    assert reminders()[-1] == ("46-05", "устаревает")


def test_a_new_decline_brings_a_digest_with_only_the_new_primary(region, clock):
    run()
    mail.outbox.clear()
    # The college publishes, then goes stale a month later: new for the digest.
    publish_news(region["college"], NOW)
    clock.move_to(NOW + 31 * DAY)
    run()
    [digest] = digests()
    assert digest.to == ["zh@example.org"]
    new = digest.body.split("Требуют внимания")[0]
    assert "ППО колледжа — «устаревает», не обновлялся 31 день" in new
    assert "ППО лицея" not in new and "ППО школы" not in new
    assert "ППО лицея" in digest.body, "still in the full list"
    mail.outbox.clear()
    run()
    assert not mail.outbox


def test_territorial_without_editors_gets_no_digest_and_it_is_reported(region):
    region["zh"].editors_group.user_set.clear()
    output = run()
    assert not digests()
    assert reminders(FreshnessReminder.Kind.DIGEST) == []
    assert "Нет редакторов с e-mail, сводка не отправлена: 46-01 Железногорская" in output
    assert "без получателей: напоминаний 1, сводок 1" in output


# Dry run and failures ------------------------------------------------------------------------


def test_dry_run_sends_and_records_nothing(region):
    output = run("--dry-run")
    assert not mail.outbox
    assert not FreshnessReminder.objects.exists()
    assert "Напоминание «устаревает» будет отправлено: 46-01-001 ППО школы № 1" in output
    assert "Сводка будет отправлена: 46-01 Железногорская → zh@example.org" in output
    assert "Пробный запуск, ничего не отправлено и не записано." in output
    assert "Напоминаний будет отправлено: 1, сводок: 1" in output
    run()
    assert len(mail.outbox) == 2, "the real run still sends it"


def test_a_failed_send_records_nothing_and_is_retried(region, monkeypatch):
    real_send = EmailMessage.send

    def failing(message, *args, **kwargs):
        if "school@example.org" in message.to:
            raise OSError("SMTP down")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", failing)
    with pytest.raises(CommandError):
        run()
    assert reminders() == [], "rolled back with the failed send"
    assert len(mail.outbox) == 1, "the digest still went out"
    monkeypatch.setattr(EmailMessage, "send", real_send)
    mail.outbox.clear()
    run()
    assert [m.to for m in mail.outbox] == [["School2@example.org", "school@example.org"]]
    assert reminders() == [("46-01-001", "устаревает")]
