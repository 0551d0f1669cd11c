from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from directory.models import Organization
from sites.onboarding import services as onboarding


class Command(BaseCommand):
    help = (
        "Отключить сайт организации: снять страницы с публикации, удалить адрес и права "
        "редакторов. Содержимое не удаляется; onboard_org возвращает сайт."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="код организации в реестре")

    def handle(self, *args, code, **options):
        organization = Organization.objects.filter(code=code).first()
        if organization is None:
            raise CommandError(f"Организация с кодом «{code}» не найдена в реестре.")
        try:
            onboarding.offboard(organization)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Сайт организации «{organization}» отключён; страницы сохранены.")
        )
