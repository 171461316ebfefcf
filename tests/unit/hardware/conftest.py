"""Fixtures for the hardware unit tests: one fixed ticket, built fresh per test."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from hardware.ticket import TicketContent
from tests.unit.hardware.sample import fixed_ticket


@pytest.fixture
def make_ticket() -> Callable[..., TicketContent]:
    """``make_ticket(number="B7", ...)``: the fixed ticket with some fields changed."""

    def build(**changes: Any) -> TicketContent:
        return dataclasses.replace(fixed_ticket(), **changes)

    return build
