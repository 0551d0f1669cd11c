from django.core.management.base import BaseCommand

from sites.freshness import summary


class Command(BaseCommand):
    help = (
        "Пересчитать показатели актуальности всех сайтов по их страницам (после массовой "
        "записи страниц в обход публикации или ежедневно по cron для проверки)."
    )

    def handle(self, *args, **options):
        count = summary.refresh()
        self.stdout.write(f"Показатели актуальности обновлены: {count} сайтов.")
