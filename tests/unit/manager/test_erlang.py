"""Erlang C against values from published tables and worked examples."""

from __future__ import annotations

import math

import pytest

from server.queueing import erlang


@pytest.mark.parametrize(("servers", "traffic", "published"), [
    (2, 1.0, 1 / 3),  # M/M/2 at A = 1: exact
    (3, 2.0, 4 / 9),  # M/M/3 at A = 2: exact
    (10, 6.0, 0.1013),  # textbook: 120 customers/h, 3 min each, 10 servers: "about 0.10"
    (11, 10.0, 0.6821),  # call-centre tables: 10 erlangs on 11 agents
    (12, 10.0, 0.4494),  # ... on 12 agents
    (5, 2.5, 0.1304),
    (6, 2.5, 0.0474),
])
def test_probability_of_waiting_matches_tables(servers, traffic, published):
    assert erlang.erlang_c(servers, traffic) == pytest.approx(published, abs=5e-5)


def test_overloaded_and_empty_systems():
    assert erlang.erlang_c(3, 3.0) == 1.0
    assert erlang.erlang_c(3, 0.0) == 0.0
    assert erlang.mean_wait_s(2, 60, 120) == math.inf  # 2 erlangs on 2 windows
    assert erlang.servers_needed(0, 300, 900, 0.8) == 0


def test_erlang_b_recursion():
    # Erlang B table: 5 lines at 2 erlangs block 3.67 %
    assert erlang.erlang_b(5, 2.0) == pytest.approx(0.0367, abs=5e-5)


def test_service_level_and_staffing():
    # 30 visitors an hour, 5 minutes each: 2.5 erlangs. No-delay probability ≥ 90 % needs 6.
    assert erlang.servers_needed(30, 300, 0, 0.9) == 6
    level = erlang.service_level(4, 30, 300, 900)
    assert level == pytest.approx(1 - erlang.erlang_c(4, 2.5) * math.exp(-(4 - 2.5) * 3), rel=1e-12)
    needed = erlang.servers_needed(30, 300, 900, 0.8)
    assert erlang.service_level(needed, 30, 300, 900) >= 0.8
    assert erlang.service_level(needed - 1, 30, 300, 900) < 0.8
    assert erlang.mean_wait_s(6, 30, 300) < erlang.mean_wait_s(4, 30, 300)
