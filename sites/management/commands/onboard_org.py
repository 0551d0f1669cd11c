from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from directory.models import Organization
from sites.onboarding import bulk
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
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            metavar="N",
            help="с --all-without-site: столько процессов сразу (только PostgreSQL)",
        )

    def handle(
        self, *args, code, hostname, editor, all_without_site, kind, parent, workers, **options
    ):
        if all_without_site == bool(code):
            raise CommandError("Укажите код организации или --all-without-site.")
        if not all_without_site and (kind or parent or workers != 1):
            raise CommandError("--kind, --parent и --workers — только вместе с --all-without-site.")
        if workers < 1:
            raise CommandError("--workers: число процессов, от 1.")
        if workers > 1 and connection.vendor != "postgresql":
            raise CommandError("Несколько процессов (--workers) — только на PostgreSQL.")
        if all_without_site:
            return self.onboard_all(kind, parent, workers)
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
        url = f"{organization.site.root_url}/" if organization.site_id else ""
        self.report_site(
            f"{organization.code} {organization}",
            url,
            result.created,
            [user.email for user in result.invited],
        )

    def report_site(self, label, url, created, invited):
        self.stdout.write(self.style.SUCCESS(f"{label}: {url or '—'}"))
        self.stdout.write(f"  создано: {'; '.join(created) or 'всё уже было на месте'}")
        for email in invited:
            self.stdout.write(f"  приглашение отправлено: {email}")

    def onboard_all(self, kind, parent_code, workers):
        parent = None
        if parent_code:
            parent = Organization.objects.filter(code=parent_code).first()
            if parent is None:
                raise CommandError(f"Организация с кодом «{parent_code}» не найдена в реестре.")
        organizations = list(onboarding.without_site(kind=kind, parent=parent))
        failed = 0
        outcomes = bulk.onboard_all(organizations, workers=workers)
        for number, outcome in enumerate(outcomes, start=1):
            if outcome.error:
                failed += 1
                self.stderr.write(f"{outcome.label}: ошибка: {outcome.error}")
                continue
            self.stdout.write(f"[{number}/{len(organizations)}] ", ending="")
            self.report_site(outcome.label, outcome.url, outcome.created, outcome.invited)
        self.stdout.write(f"Создано сайтов: {len(organizations) - failed}, ошибок: {failed}.")
        if failed:
            raise CommandError(f"Не удалось создать сайтов: {failed}.")
