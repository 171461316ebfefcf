"""The hub: what every service function needs, bundled once per process."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Protocol
from zoneinfo import ZoneInfo

from server.db.database import Database
from server.db.uow import Repositories, UnitOfWork
from server.queueing.center import Center
from server.queueing.clock import Clock, SystemClock
from server.queueing.events import DomainEvent
from server.queueing.numbering import service_day
from server.queueing.working_days import WorkingCalendar

from .login_guard import LoginGuard
from .queue_load import LoadCache


class Publisher(Protocol):
    def publish(self, events: Iterable[DomainEvent]) -> None:
        """Called after a commit with the events it recorded."""


class NullPublisher:
    """For tools that change state with nobody listening (CLI, offline simulation)."""

    def publish(self, events: Iterable[DomainEvent]) -> None:
        return None

    def send_to_device(self, device_id, event: str, payload: dict) -> None:
        return None

    def alert(self, payload: dict, *, local: bool = False) -> None:
        return None

    def to_managers(self, event: str, payload, *, local: bool = False) -> None:
        return None


@dataclass
class HubSettings:
    token_ttl_s: int = 12 * 3600
    recent_calls: int = 10
    waiting_list_limit: int = 50
    public_url: str | None = None  # base URL printed on tickets, e.g. http://192.168.1.10


class Hub:
    def __init__(
        self,
        db: Database,
        center: Center,
        *,
        clock: Clock | None = None,
        publisher: Publisher | None = None,
        settings: HubSettings | None = None,
    ) -> None:
        self.db = db
        self.center = center
        self.clock = clock or SystemClock()
        self.publisher: Publisher = publisher or NullPublisher()
        self.settings = settings or HubSettings()
        self.tz = ZoneInfo(center.timezone)
        self.load = LoadCache(self)
        self.login_guard = LoginGuard()
        self.stopping = threading.Event()  # set by stop(): background loops end

    def stop(self) -> None:
        """End the hub's background loops (tests and orderly shutdown)."""
        self.stopping.set()

    @cached_property
    def calendar(self) -> WorkingCalendar:
        """The center's working calendar: national holidays, its own overrides, its hours."""
        from server.holiday_source import working_calendar

        return working_calendar(self.center)

    @cached_property
    def center_json(self) -> str:
        """The center's public JSON; a hub's center never changes while it runs."""
        return json.dumps(self.center.to_dict(), ensure_ascii=False, separators=(",", ":"))

    def now(self) -> datetime:
        return self.clock.now()

    def today(self, at: datetime | None = None) -> date:
        return service_day(at or self.now(), self.tz)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.db)

    @contextmanager
    def reading(self):
        """Repositories over a read-only connection (no writer lock)."""
        with self.db.reading() as conn:
            yield Repositories(conn)

    def publish(self, events: Iterable[DomainEvent]) -> None:
        events = list(events)
        if any(e.window_id for e in events):
            self.load.invalidate_windows()
        if events:
            self.publisher.publish(events)
