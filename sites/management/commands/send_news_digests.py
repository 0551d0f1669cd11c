from django.core.management.base import BaseCommand

from newsletters import digest


class Command(BaseCommand):
    help = (
        "Разослать подписчикам письма с новостями сайтов (запускать по расписанию раз в день): "
        "ежедневные — каждый день, еженедельные — раз в неделю; ничего не отправляется дважды, "
        "неудачная отправка повторяется при следующем запуске."
    )

    def handle(self, *args, **options):
        summary = digest.run()
        self.stdout.write(
            f"Отправлено писем: {summary.sent}; без новых новостей: {summary.nothing_new}; "
            f"ошибок: {summary.failed}."
        )
        for error in summary.errors[:10]:
            self.stderr.write(error)
        if summary.failed:
            raise SystemExit(1)
