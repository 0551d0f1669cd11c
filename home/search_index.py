"""Search indexing in batches, for code that saves many objects in one go (the registry
import, onboarding). With the PostgreSQL search backend each save's own index update costs
~25 ms (it recomputes title norms over the whole index); a batch costs a few ms an object."""

from contextlib import contextmanager

from django.db.models.signals import post_save
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
