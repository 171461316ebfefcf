"""A hub over SQLite with a print service whose background work runs inline."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from server.center_file import load_demo_center
from server.db.database import Database
from server.queueing.clock import ManualClock
from server.services.accounts import create_device
from server.services.center_setup import install_center
from server.services.hub import Hub
from server.services.printing import InlineTasks, PrintService, PrintSettings

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Haibei


class HallPublisher:
    """Keeps what the print service sends: device messages and manager alerts."""

    def __init__(self) -> None:
        self.device_messages: list[tuple[int, str, dict]] = []
        self.alerts: list[dict] = []

    def publish(self, events) -> None:
        return None

    def send_to_device(self, device_id, event, payload) -> None:
        self.device_messages.append((device_id, event, payload))

    def alert(self, payload) -> None:
        self.alerts.append(payload)

    def to_managers(self, event, payload) -> None:
        return None

    def sent(self, event: str) -> list[dict]:
        return [payload for _device, name, payload in self.device_messages if name == event]


@pytest.fixture
def print_hub(tmp_path) -> Iterator[Hub]:
    db = Database(f"sqlite:///{tmp_path / 'yimen.sqlite3'}")
    clock = ManualClock(START)
    install = install_center(db, load_demo_center(), "demo", clock)
    hub = Hub(db, install.center, clock=clock, publisher=HallPublisher())
    yield hub
    db.dispose()


@pytest.fixture
def kiosk_id(print_hub) -> int:
    return create_device(print_hub, kind="kiosk", name="一楼取号机 1", key="test-kiosk")["id"]


@pytest.fixture
def make_printing(print_hub) -> Callable[..., PrintService]:
    def build(**settings) -> PrintService:
        return PrintService(print_hub, PrintSettings(**settings), InlineTasks())

    return build


