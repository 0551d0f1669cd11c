from django.core.management.base import BaseCommand, CommandError

from sites.pagecache import purge, tags


class Command(BaseCommand):
    help = (
        "Purge the page cache (PAGE_CACHE_PURGE_URLS): the given tags, --all, or (the default) "
        "the purges still pending because a cache did not answer."
    )

    def add_arguments(self, parser):
        parser.add_argument("tags", nargs="*", help="cache tags, e.g. s3 p120 l3 (see tags.py)")
        parser.add_argument("--all", action="store_true", help="every answer of every site")

    def handle(self, *args, **options):
        if not purge.purge_urls():
            raise CommandError("PAGE_CACHE_PURGE_URLS is empty: there is no cache to purge.")
        wanted = set(options["tags"]) | ({tags.ALL} if options["all"] else set())
        if wanted:
            if not purge.send(wanted):
                raise CommandError("a cache did not answer the purge (see the log above)")
            self.stdout.write(f"purged: {' '.join(sorted(wanted))}")
            return
        done, left = purge.send_pending()
        self.stdout.write(f"pending purges sent: {done}; still pending: {left}")
        if left:
            raise CommandError("a cache did not answer: the purges stay pending")
