"""What public page views keep in the cache between them, and when it is renewed: the site
chrome (directory/chrome.py) and what depends only on what renews it.

Everything kept is keyed by a generation, network-wide, that any page published, unpublished,
moved or deleted, any registry, site, branding, locale or view restriction change starts anew
(`invalidate()`, connected in directory/apps.py and sites/network/signals.py): a rare event
next to page views. With a cache every process shares (Redis, as in production) a change shows
on the next view in every process; a process-local cache can't hear of another process's
changes, so there things are kept for a minute only, and what must never be stale (page
content, view restrictions) is not kept at all (`shared_cache()`)."""

import pickle
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager, suppress
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "site-chrome:generation"
# Part of every key: a release that changes what is kept changes it, so that no process
# unpickles what an older release left in a shared cache.
LAYOUT = 5


def shared_cache():
    """Is the cache shared by every process (Redis)? A process-local one can't hear of a
    change made in another process."""
    return not settings.CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache"))


def timeout():
    """An hour in a cache shared by every process (each new generation leaves the old one's
    values to expire: the hour bounds what Redis holds); in a process-local one a minute."""
    return 60 * 60 if shared_cache() else 60


# How long what is kept of a page's content may serve, whatever the generation says: should
# a new generation fail to reach Redis (a blip while an editor publishes), a page is not
# served as it was for longer than this.
CONTENT_TIMEOUT = 60


def _read_generation():
    # One key for the whole network, outside the release's KEY_PREFIX: a change handled by a
    # process of another release (a deploy under way, a command run without RELEASE) must
    # reach every process. A generation never repeats, even after Redis lost it (a restart,
    # a flush): it starts again from the clock, past every earlier one, so nothing kept for
    # an old one is taken for the new (the process memory below keeps values by generation).
    start = time.time_ns() // 1000
    if not hasattr(cache, "get_unprefixed"):  # a process-local cache
        return cache.get_or_set(GENERATION_KEY, start, None)
    generation = cache.get_unprefixed(GENERATION_KEY)
    if generation is None:
        cache.add_unprefixed(GENERATION_KEY, start)
        generation = cache.get_unprefixed(GENERATION_KEY, start)
    return generation


def increment_generation():
    """The next generation, in the cache (ValueError: none yet, or the cache unavailable)."""
    if hasattr(cache, "incr_unprefixed"):
        cache.incr_unprefixed(GENERATION_KEY)
    else:
        cache.incr(GENERATION_KEY)


# While a request is served (`one_generation_a_request()`): the generation it found, once read.
_request_generation = ContextVar("request_generation", default=None)


def current_generation():
    """The generation now: what is kept for it is valid until the next one. Read once a
    request (a request that starts a new one reads it again)."""
    found = _request_generation.get()
    if found:
        return found[0]
    generation = _read_generation()
    if found is not None:
        found.append(generation)
    return generation


@contextmanager
def one_generation_a_request():
    """Around serving a request (sites/public/hostnames.py's middleware): the generation is
    read from the cache once. Not outside a request: a long-lived process (a command, a
    thread) would not hear of another process's new generation."""
    token = _request_generation.set([])
    try:
        yield
    finally:
        _request_generation.reset(token)


def key(scope, name, generation):
    return f"site-chrome:{LAYOUT}:{scope}:{name}:{generation}"


def kept_for_network(name, build, seconds=None):
    """`build()` if it is not None, kept until the next generation (or `seconds`, by default
    `timeout()`) under `name`. None is never kept."""
    return kept(key("network", name, current_generation()), build, seconds)


# What was kept for a generation never changes: with a shared cache, each process also keeps
# the most recently used of those values in its own memory (pickled, so that no two requests
# share an object), by their full cache key, generation included, and a page view costs one
# cache read (the generation) instead of one for each value.
MEMORY_ENTRIES = 1024
MEMORY_SECONDS = 30  # and each for half a minute at most, whatever Redis says
_memory = OrderedDict()
_memory_lock = threading.Lock()


def kept(full_key, build, seconds=None):
    """The value kept under `full_key` (which names its generation), else `build()`, kept
    unless it is None, for `seconds` at most (`timeout()` by default)."""
    seconds = seconds or timeout()
    shared = shared_cache()
    now = time.monotonic()
    if shared:
        memory_key = cache.make_key(full_key)
        with _memory_lock:
            entry = _memory.get(memory_key)
            if entry is not None:
                _memory.move_to_end(memory_key)
        if entry is not None and entry[0] > now:
            return pickle.loads(entry[1])  # noqa: S301 (what this process pickled itself)
    value = cache.get(full_key)
    if value is None:
        value = build()
        if value is None:
            return None
        cache.set(full_key, value, seconds)
    if shared:
        entry = (now + min(seconds, MEMORY_SECONDS), pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        with _memory_lock:
            _memory[memory_key] = entry
            if len(_memory) > MEMORY_ENTRIES:
                _memory.popitem(last=False)
    return value


def invalidate(**kwargs):
    """Start a new generation (a signal receiver, or call it): now, and again when the
    transaction commits, so that a page view between the two can't keep what the transaction
    had not yet committed."""
    _next_generation()
    transaction.on_commit(_next_generation)


def _next_generation():
    with suppress(ValueError):  # no generation yet: the next page view starts one
        increment_generation()
    found = _request_generation.get()
    if found:
        found.clear()  # read again
