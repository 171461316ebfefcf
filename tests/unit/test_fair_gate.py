"""The gate in front of a bounded PostgreSQL pool: permits in the order they were asked
for, a permit given back goes to the oldest waiter (no newcomer takes it first), a wait
that runs out raises the pool's own timeout error."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from server.db.database import FairGate
from tests.support.waiting import wait_until


def waiter(gate: FairGate, got: list, name: str) -> threading.Thread:
    def run() -> None:
        gate.acquire(30)
        got.append(name)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_permits_go_to_the_waiters_in_turn_and_never_to_a_newcomer():
    gate, got = FairGate(1), []
    gate.acquire(1)
    first = waiter(gate, got, "first")
    wait_until(lambda: len(gate._waiters) == 1, what="the first waiter queued")
    second = waiter(gate, got, "second")
    wait_until(lambda: len(gate._waiters) == 2, what="the second waiter queued")
    gate.release()
    # handed to the first waiter: a newcomer does not get it, even before that one runs
    with pytest.raises(PoolTimeoutError):
        gate.acquire(0.01)
    first.join(10)
    assert got == ["first"]
    gate.release()
    second.join(10)
    assert got == ["first", "second"]
    gate.release()
    gate.acquire(0.01)  # free again: taken at once


def test_a_wait_that_runs_out_leaves_the_queue():
    gate = FairGate(2)
    gate.acquire(1)
    gate.acquire(1)
    with pytest.raises(PoolTimeoutError):
        gate.acquire(0.01)
    assert not gate._waiters
    gate.release()
    gate.acquire(0.01)
