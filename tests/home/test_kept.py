"""What page views keep between them (home/kept.py): valid for one generation, read once a
request, and renewed the moment anything it depends on changes."""

import pytest
from django.core.cache import cache, caches

from home import kept

pytestmark = pytest.mark.django_db  # invalidate() renews again when the transaction commits


def lose_everything_in_redis():
    """What a Redis restarted empty does to this test's keys (its own: home.kept's
    generation and the cache's, by the prefix tests/conftest.py's `any_cache` gave them)."""
    from django.conf import settings

    client = caches["default"]._cache.get_client(write=True)
    for name in client.scan_iter(f"{settings.CACHES['default']['KEY_PREFIX']}*"):
        client.delete(name)


def other_process_starts_a_generation():
    kept.increment_generation()  # what another process's invalidate() does to the cache


def test_outside_a_request_every_read_sees_another_process_s_new_generation():
    first = kept.current_generation()
    other_process_starts_a_generation()
    assert kept.current_generation() == first + 1


def test_a_request_reads_the_generation_once_unless_it_starts_a_new_one(any_cache):
    first = kept.current_generation()
    with kept.one_generation_a_request():
        assert kept.current_generation() == first
        other_process_starts_a_generation()
        assert kept.current_generation() == first, "one generation for the whole request"
        kept.invalidate()  # this request changed something: it reads the generation again
        assert kept.current_generation() == first + 2
    assert kept.current_generation() == first + 2


def test_what_is_kept_is_renewed_by_a_new_generation(any_cache):
    built = []

    def build():
        built.append(len(built))
        return f"version {len(built)}"

    assert kept.kept_for_network("probe", build) == "version 1"
    assert kept.kept_for_network("probe", build) == "version 1"
    kept.invalidate()
    assert kept.kept_for_network("probe", build) == "version 2"
    assert kept.kept_for_network("nothing", lambda: None) is None  # None is never kept
    assert built == [0, 1]


def test_the_redis_cache_reuses_its_clients(any_cache):
    if any_cache != "Redis":
        pytest.skip("Redis only")
    client = cache._cache.get_client()
    cache.set("probe", "kept")
    assert cache.get("probe") == "kept"
    assert cache._cache.get_client() is client
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)


def test_with_redis_each_process_keeps_the_values_of_a_generation_in_memory_too(
    any_cache, monkeypatch
):
    """A value kept for a generation never changes: with Redis, the second read comes from
    the process's memory (no round trip), as a copy of its own, and a new generation or a
    Redis that lost everything (a restart, a flush) is never answered from memory."""
    if any_cache != "Redis":
        pytest.skip("Redis only: a process-local cache is memory already")
    assert kept.kept_for_network("probe", lambda: ["version 1"]) == ["version 1"]
    reads = []
    backend = caches["default"]  # the Redis one, this test's (not the proxy)
    real_get = backend.get
    monkeypatch.setattr(backend, "get", lambda *a, **k: reads.append(a) or real_get(*a, **k))
    first = kept.kept_for_network("probe", lambda: ["rebuilt"])
    second = kept.kept_for_network("probe", lambda: ["rebuilt"])
    assert first == second == ["version 1"] and first is not second
    assert not [read for read in reads if "probe" in read[0]], "answered from memory"
    lose_everything_in_redis()  # restarted empty: the generation starts again, past the old one
    assert kept.kept_for_network("probe", lambda: ["version 2"]) == ["version 2"]
    kept.invalidate()
    assert kept.kept_for_network("probe", lambda: ["version 3"]) == ["version 3"]


def test_every_release_shares_one_generation(any_cache, settings):
    """The generation is one key for the whole network, outside the release's KEY_PREFIX: a
    publish handled by a process of the old release during a deploy renews what the new
    release's processes kept."""
    if any_cache != "Redis":
        pytest.skip("Redis only: a process-local cache is one process's")
    old_release = kept.current_generation()
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": "another-release"}}
    assert kept.current_generation() == old_release
    kept.invalidate()
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": "old-release"}}
    assert kept.current_generation() == old_release + 1  # (+1 more when it commits)


def test_a_page_converted_to_an_alias_starts_a_generation(region):
    """wagtail-localize's «convert to alias» saves `alias_of_id` alone, with no publish
    signal for a live page: the page's content changes all the same."""
    from wagtail.models import Page

    home = region["territorial"].site.root_page
    first, second = Page.objects.filter(depth=3, path__startswith=home.path)[:2]
    before = kept.current_generation()
    second.alias_of_id = first.pk
    second.save(update_fields=["alias_of_id"])
    assert kept.current_generation() > before
