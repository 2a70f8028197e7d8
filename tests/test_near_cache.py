"""A store's settings read through each process's short-lived copy of the shared cache."""

from __future__ import annotations

import time

from appliance.infra.cache import MemoryCache, NearCache, near


def test_a_change_made_through_this_process_applies_here_at_once() -> None:
    shared = MemoryCache()
    cache = NearCache(shared, seconds=2)
    cache.set("config:t1:texts", "old", 30)
    assert cache.get("config:t1:texts") == "old"
    cache.delete("config:t1:texts")
    assert cache.get("config:t1:texts") is None
    cache.set("config:t1:texts", "new", 30)
    assert cache.get("config:t1:texts") == "new"
    assert shared.get("config:t1:texts") == "new"


def test_another_process_sees_a_change_once_its_copy_is_older_than_its_seconds() -> None:
    shared = MemoryCache()  # stands for Redis, which every process shares
    here, there = NearCache(shared, seconds=1), NearCache(shared, seconds=1)
    here.set("tenant:t1", "active", 30)
    assert there.get("tenant:t1") == "active"
    here.set("tenant:t1", "paused", 30)
    assert there.get("tenant:t1") == "active"  # its own copy, for up to a second
    time.sleep(1.1)
    assert there.get("tenant:t1") == "paused"


def test_an_in_process_cache_is_not_copied_again() -> None:
    cache = MemoryCache()
    assert near(cache) is cache
