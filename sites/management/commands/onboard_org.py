from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from directory.models import Organization
from sites.onboarding import services as onboarding


def message(error):
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


class Command(BaseCommand):
    help = (
        "Создать сайт организации из шаблона: дерево страниц, адрес, коллекцию, группу "
        "редакторов и их права. Повторный запуск ничего не меняет."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", help="код организации в реестре")
        parser.add_argument("--hostname", help="адрес сайта: поддомен или собственный домен")
        parser.add_argument(
            "--editor", action="append", default=[], metavar="EMAIL", help="e-mail редактора"
        )
        parser.add_argument(
            "--all-without-site", action="store_true", help="все организации без сайта"
        )
        parser.add_argument("--kind", choices=["primary", "territorial"])
        parser.add_argument("--parent", metavar="CODE", help="только подчинённые этой организации")

    def handle(self, *args, code, hostname, editor, all_without_site, kind, parent, **options):
        if all_without_site == bool(code):
            raise CommandError("Укажите код организации или --all-without-site.")
        if all_without_site:
            return self.onboard_all(kind, parent)
        if kind or parent:
            raise CommandError("--kind и --parent — только вместе с --all-without-site.")
        organization = Organization.objects.filter(code=code).first()
        if organization is None:
            raise CommandError(f"Организация с кодом «{code}» не найдена в реестре.")
        if organization.site_id and not editor:
            raise CommandError(
                f"У организации «{organization}» уже есть сайт: {organization.site.root_url}/"
            )
        try:
            result = onboarding.onboard(organization, hostname=hostname, editors=editor)
        except ValidationError as error:
            raise CommandError(message(error)) from None
        self.report(result)

    def report(self, result):
        organization = result.organization
        organization.refresh_from_db()
        url = f"{organization.site.root_url}/" if organization.site_id else "—"
        made = "; ".join(result.created) or "всё уже было на месте"
        self.stdout.write(self.style.SUCCESS(f"{organization.code} {organization}: {url}"))
        self.stdout.write(f"  создано: {made}")
        for user in result.invited:
            self.stdout.write(f"  приглашение отправлено: {user.email}")

    def onboard_all(self, kind, parent_code):
        parent = None
        if parent_code:
            parent = Organization.objects.filter(code=parent_code).first()
            if parent is None:
                raise CommandError(f"Организация с кодом «{parent_code}» не найдена в реестре.")
        organizations = list(onboarding.without_site(kind=kind, parent=parent))
        template = onboarding.TemplateSnapshot.take()
        failed = 0
        for number, organization in enumerate(organizations, start=1):
            try:
                result = onboarding.onboard(organization, template=template)
            except ValidationError as error:
                failed += 1
                self.stderr.write(f"{organization.code} {organization}: ошибка: {message(error)}")
                continue
            self.stdout.write(f"[{number}/{len(organizations)}] ", ending="")
            self.report(result)
        self.stdout.write(f"Создано сайтов: {len(organizations) - failed}, ошибок: {failed}.")
        if failed:
            raise CommandError(f"Не удалось создать сайтов: {failed}.")
