"""The public calls' in-memory sliding-window counter (``api/limits.py``, ``MemoryCounts``)."""

from __future__ import annotations

import time

from limits import parse

from server.api import limits
from server.api.limits import MemoryCounts


def test_a_sliding_window_counts_the_last_window_by_its_overlap(monkeypatch):
    now = [6_000_000.0]  # the start of a minute
    monkeypatch.setattr(limits.time, "time", lambda: now[0])
    counts, item = MemoryCounts(), parse("3 per minute")
    assert [counts.hit(item, "yimen", "public-read", "address:a") for _ in range(4)] == [True] * 3 + [False]
    assert counts.hit(item, "yimen", "public-read", "address:b")  # another caller: its own count
    assert counts.hit(item, "yimen", "public-write", "address:a")  # another kind: its own bucket
    assert 1 <= counts.retry_after(item) <= 60
    now[0] += 60  # the next minute begins: the last one still weighs in full
    assert not counts.hit(item, "yimen", "public-read", "address:a")
    now[0] += 30  # half of it overlaps now: 1.5 of its 3 calls
    assert [counts.hit(item, "yimen", "public-read", "address:a") for _ in range(3)] == [True, True, False]
    now[0] += 120  # two minutes later nothing is left
    assert [counts.hit(item, "yimen", "public-read", "address:a") for _ in range(4)] == [True] * 3 + [False]


def test_a_full_table_forgets_only_old_windows(monkeypatch):
    monkeypatch.setattr(MemoryCounts, "MAX_KEYS", 10)
    counts, item = MemoryCounts(), parse("1 per minute")
    start = time.time()
    monkeypatch.setattr(limits.time, "time", lambda: start - 600)
    for n in range(9):
        counts.hit(item, "old", str(n))
    monkeypatch.setattr(limits.time, "time", lambda: start)
    assert counts.hit(item, "new", "0")
    assert not counts.hit(item, "new", "0")
    for n in range(10):
        counts.hit(item, "more", str(n))
    assert not counts.hit(item, "new", "0")  # still counted: only stale windows were dropped
