"""A hub over SQLite with a print service whose background work runs inline."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from server.center_file import load_demo_center
from server.db.database import Database
from server.queueing.clock import ManualClock
from server.services.accounts.users import create_device
from server.services.center_setup import install_center
from server.services.hub import Hub
from server.services.issuing.printing import PrintService, PrintSettings
from server.services.tasks import InlineTasks
from tests.support.fakes import RecordingPublisher

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Haibei


@pytest.fixture
def print_hub(tmp_path) -> Iterator[Hub]:
    db = Database(f"sqlite:///{tmp_path / 'yimen.sqlite3'}")
    clock = ManualClock(START)
    install = install_center(db, load_demo_center(), "demo", clock)
    hub = Hub(db, install.center, clock=clock, publisher=RecordingPublisher())
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


