"""Search indexing in batches, for code that saves many objects in one go (the registry
import, onboarding): with Wagtail's PostgreSQL search backend each save's own index update
cost ~25 ms; a batch costs a few ms an object. And the title norms of what is added, without
the backend's two scans of the whole index (`TitleNormsOfTheAddedOnly`, which
sites/isolation/search_backend.py gives the index)."""

from contextlib import contextmanager

from django.core.cache import cache
from django.db.models import Avg, F
from django.db.models.functions import Length
from django.db.models.signals import post_save
from django.utils.encoding import force_str
from modelsearch.utils import get_content_type_pk
from wagtail.search.backends import get_search_backends
from wagtail.search.signal_handlers import post_save_signal_handler


@contextmanager
def per_save_indexing_paused(*models):
    """Objects of `models` saved in the block are not indexed one by one; index them with
    `index_in_batches()` afterwards.

    Signal receivers are per process: in a process serving several requests in threads, an
    object saved elsewhere while the block runs would miss its index update. Gunicorn's sync
    workers (and a management command) serve one thing at a time."""
    paused = [
        model for model in models if post_save.disconnect(post_save_signal_handler, sender=model)
    ]
    try:
        yield
    finally:
        for model in paused:
            post_save.connect(post_save_signal_handler, sender=model)


def index_in_batches(objects, chunk_size=1000):
    """Objects into the search backends, grouped by model, as Wagtail's `update_index` does."""
    by_model = {}
    for obj in objects:
        by_model.setdefault(type(obj), []).append(obj)
    for backend in get_search_backends(with_auto_update=True):
        for model, items in by_model.items():
            for start in range(0, len(items), chunk_size):
                backend.add_bulk(model, items[start : start + chunk_size])


# The average length of the titles in the search index, kept this long: it moves slowly as
# the index grows, and only weighs titles against each other in the ranking.
TITLE_LENGTH_AVERAGE_KEY = "search-index:title-length-average"
TITLE_LENGTH_AVERAGE_SECONDS = 60 * 60


class TitleNormsOfTheAddedOnly:
    """For the search index of Wagtail's database backend (PostgreSQL or SQLite FTS): after
    adding objects, it computed the average title length over the whole index and rewrote
    every entry whose title norm was still the default: two scans of the whole index, which
    grows with every site, on every page published anywhere. Here the average is kept for an
    hour, and only the entries just added are updated, by their unique (content type, object
    id). A full refresh (`update_index`, `rebuilder_class`) is the backend's own."""

    _added = None

    def add_items(self, model, objs):
        objs = list(objs)
        self._added = (model, [force_str(obj.pk) for obj in objs])
        try:
            return super().add_items(model, objs)
        finally:
            self._added = None

    def _refresh_title_norms(self, full=False):
        if full or self._added is None:
            return super()._refresh_title_norms(full=full)
        average = cache.get(TITLE_LENGTH_AVERAGE_KEY)
        if average is None:
            average = (
                self.entries.annotate(title_length=Length("title"))
                .filter(title_length__gt=0)
                .aggregate(Avg("title_length"))["title_length__avg"]
            )
            if average is None:  # no title yet
                return super()._refresh_title_norms(full=full)
            cache.set(TITLE_LENGTH_AVERAGE_KEY, average, TITLE_LENGTH_AVERAGE_SECONDS)
        model, ids = self._added
        return (
            self.entries.filter(content_type_id=get_content_type_pk(model), object_id__in=ids)
            .filter(title_norm=1.0)
            .annotate(title_length=Length("title"))
            .filter(title_length__gt=0)
            .update(title_norm=average / F("title_length"))
        )
