"""The monthly letter of news to social partners (sites/partners/news.py); cron runs it on the
first of the month. Running it more often sends nothing more: a partner gets one a month."""

from django.core.management.base import BaseCommand

from sites.partners.news import send_partner_news


class Command(BaseCommand):
    help = "Разослать социальным партнёрам новости «Для социальных партнёров» (раз в месяц)."

    def handle(self, *args, **options):
        summary = send_partner_news()
        self.stdout.write(f"Отправлено писем: {summary.sent}; не отправлено: {summary.failed}.")
        for error in summary.errors:
            self.stderr.write(error)
