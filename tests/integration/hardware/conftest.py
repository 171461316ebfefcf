"""Fixtures for the hardware integration tests: fake printers on loopback."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from hardware.ticket import TicketContent
from tests.unit.hardware.sample import fixed_ticket


@pytest.fixture
def make_ticket() -> Callable[..., TicketContent]:
    """``make_ticket(number="B7", ...)``: the sample ticket with some fields changed."""

    def build(**changes: Any) -> TicketContent:
        return dataclasses.replace(fixed_ticket(), **changes)

    return build


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port that is bound but not listening: connecting is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]
