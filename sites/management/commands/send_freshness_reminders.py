"""Daily freshness reminders by e-mail: see sites/freshness/reminders.py for who gets what,
and why the same reminder is never sent twice."""

from django.core.management.base import BaseCommand, CommandError

from sites.freshness import reminders


def _codes(row):
    return f"{row.code} {row.short_name}"


class Command(BaseCommand):
    help = (
        "Письма редакторам сайтов, ставших «устаревает» или «заброшен» с прошлого напоминания, "
        "и сводки территориальным организациям по их первичным. Для ежедневного запуска по cron; "
        "одно и то же напоминание дважды не отправляется."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="показать, что было бы отправлено, ничего не отправляя и не записывая",
        )

    def handle(self, *args, dry_run, **options):
        run = reminders.send_reminders(dry_run=dry_run)
        verb = "будет отправлено" if dry_run else "отправлено"
        digest_verb = "будет отправлена" if dry_run else "отправлена"
        for reminder in run.reminders:
            if reminder.sent or dry_run:
                self.stdout.write(
                    f"Напоминание «{reminder.row.status}» {verb}: {_codes(reminder.row)} → "
                    + ", ".join(reminder.recipients)
                )
        for reminder in run.unreachable:
            self.stdout.write(
                f"Нет редакторов с e-mail, напоминание «{reminder.row.status}» не отправлено: "
                f"{_codes(reminder.row)}"
            )
        for digest in run.digests:
            if digest.sent or dry_run:
                self.stdout.write(
                    f"Сводка {digest_verb}: {_codes(digest.territorial)} → "
                    + ", ".join(digest.recipients)
                    + f" (новых: {len(digest.new)})"
                )
        for digest in run.unreachable_digests:
            self.stdout.write(
                f"Нет редакторов с e-mail, сводка не отправлена: {_codes(digest.territorial)} "
                f"(новых: {len(digest.new)})"
            )
        for what, error in run.errors:
            self.stderr.write(f"Ошибка: {what}: {error}")
        sent = sum(1 for r in run.reminders if r.sent or dry_run)
        digests = sum(1 for d in run.digests if d.sent or dry_run)
        summary = (
            f"Напоминаний {verb}: {sent}, сводок: {digests}; без получателей: "
            f"напоминаний {len(run.unreachable)}, сводок {len(run.unreachable_digests)}; "
            f"ошибок: {len(run.errors)}."
        )
        if dry_run:
            summary = "Пробный запуск, ничего не отправлено и не записано. " + summary
        self.stdout.write(summary)
        if run.errors:
            raise CommandError(f"Не удалось отправить писем: {len(run.errors)}.")
