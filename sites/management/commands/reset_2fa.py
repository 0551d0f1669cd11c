from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from sites.accounts import twofactor


class Command(BaseCommand):
    help = (
        "Сбросить двухфакторную аутентификацию пользователя, который потерял телефон и коды "
        "восстановления: удалить его приложение-аутентификатор и коды. "
        "Суперпользователь или региональный администратор подключит её заново при следующем "
        "входе, редактор войдёт по паролю."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="имя пользователя, как при входе")

    def handle(self, *args, username, **options):
        User = get_user_model()
        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"Пользователь «{username}» не найден.")
        if not twofactor.remove_devices(user):
            self.stdout.write(
                f"У пользователя «{username}» двухфакторная аутентификация не включена."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(f"Двухфакторная аутентификация пользователя «{username}» сброшена.")
        )
