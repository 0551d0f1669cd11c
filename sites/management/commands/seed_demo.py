from pathlib import Path

from django.core.management.base import BaseCommand
from wagtail.models import Site

from sites import demo


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
        sites = list(Site.objects.order_by("-is_default_site", "hostname")[:6])
        self.stdout.write("\nСайты (все — в файле реестра, адреса *.localhost):")
        for site in sites:
            self.stdout.write(f"  {site.root_url}/  {site.site_name}")
        admin_url = f"{sites[0].root_url}/admin/" if sites else "/admin/"
        self.stdout.write(
            f"\nВход в админку: {admin_url}  логин: {demo.ADMIN_USERNAME}  "
            f"пароль: {result.admin_password}"
        )
