from pathlib import Path

from django.core.management.base import BaseCommand
from wagtail.models import Site

from directory.models import Organization
from sites.demo import services as demo


class Command(BaseCommand):
    help = "Load the demo region (registry, sites, news, reports). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=demo.DEMO_CSV, help="Demo registry CSV")

    def handle(self, *args, file, **options):
        self.stdout.write(f"Загрузка демо-региона из {file} …")
        result = demo.seed(demo.read_rows(file), log=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"Организаций создано: {result.created_organizations}, "
                f"обновлено: {result.updated_organizations}; "
                f"сайтов создано: {result.created_sites}, всего: {Site.objects.count()}."
            )
        )
        shown = (
            Organization.objects.filter(site__isnull=False)
            .exclude(kind=Organization.Kind.PRIMARY)
            .select_related("site")
            .order_by("kind", "code")
        )
        self.stdout.write("\nСайты региональной и территориальных организаций:")
        for organization in shown:
            self.stdout.write(f"  {organization.site.root_url}/  {organization.short_name}")
        primaries = Organization.objects.filter(kind=Organization.Kind.PRIMARY)
        example = primaries.filter(site__isnull=False).select_related("site").first()
        self.stdout.write(
            f"и {primaries.filter(site__isnull=False).count()} сайтов первичных организаций"
            + (f", например {example.site.root_url}/" if example else "")
            + ". Список всех — в админке, раздел «Организации»."
        )
        default = Site.objects.filter(is_default_site=True).first()
        admin_url = f"{default.root_url}/admin/" if default else "/admin/"
        self.stdout.write(
            f"\nВход в админку: {admin_url}  логин: {demo.ADMIN_USERNAME}  "
            f"пароль: {result.admin_password}"
        )
