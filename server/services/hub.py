"""The hub: what every service function needs, bundled once per process.

``create_app`` (``server/app.py``) builds one ``Hub`` from the ``Config`` and hangs every
per-process object off it: the publisher and its dirty bus, the background tasks, the
printing service, the announcement voice, the managers' monitor, the login guard and
what installing the center changed. Nothing else keeps per-process state. Every
background loop ends when ``hub.stopping`` is set (``hub.stop()``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from server.db.database import Database
from server.db.uow import Repositories, UnitOfWork
from server.queueing.center import Center
from server.queueing.clock import Clock, SystemClock
from server.queueing.events import DomainEvent
from server.queueing.numbering import service_day
from server.queueing.working_days import WorkingCalendar

from .accounts.access_cache import AccessCache
from .accounts.login_guard import LoginGuard
from .queue_load import LoadCache
from .tasks import BackgroundTasks, InlineTasks

if TYPE_CHECKING:
    from .center_setup import CenterInstall
    from .issuing.printing import PrintService
    from .partners.access import Partners
    from .reporting.monitor import ManagerMonitor


class Publisher(Protocol):
    """What services and the hub's loops hand messages to; ``realtime/publisher.py``'s
    ``SocketPublisher`` sends them over Socket.IO, ``NullPublisher`` drops them."""

    def publish(self, events: Iterable[DomainEvent], *, views: dict[int, dict] | None = None) -> None:
        """Called after a commit with the events it recorded; ``views``: ticket id → the
        ticket's JSON as the change left it, given to a publisher with ``takes_views``
        (others are called with the events alone)."""

    def send_to_device(self, device_id: int | str, event: str, payload: dict) -> None:
        """A message for one device's room (a kiosk's page and agent), e.g. a print job."""

    def alert(self, payload: dict, *, local: bool = False) -> None:
        """An alert for the managers; ``local``: only those connected to this hub."""

    def to_managers(self, event: str, payload: Any, *, local: bool = False) -> None:
        """Any event for the managers; ``local`` as for :meth:`alert`."""

    def access_changed(self) -> None:
        """This hub ended or granted someone's access: the other hubs forget the
        credentials they checked (``accounts/access_cache.py``)."""


class NullPublisher:
    """For tools that change state with nobody listening (CLI, offline simulation)."""

    def publish(self, events: Iterable[DomainEvent], *, views: dict[int, dict] | None = None) -> None:
        return None

    def send_to_device(self, device_id: int | str, event: str, payload: dict) -> None:
        return None

    def alert(self, payload: dict, *, local: bool = False) -> None:
        return None

    def to_managers(self, event: str, payload: Any, *, local: bool = False) -> None:
        return None

    def access_changed(self) -> None:
        return None


@dataclass
class HubSettings:
    token_ttl_s: int = 12 * 3600
    recent_calls: int = 10
    waiting_list_limit: int = 50
    public_url: str | None = None  # base URL printed on tickets, e.g. http://192.168.1.10
    secret_key: str = ""  # the keyed hash of ID numbers (services/booking); Config.SECRET_KEY
    personal_data_days: int = 30  # appointments' personal fields are purged after this
    appointments_interval_s: float = 60  # how often no-shows are marked missed (services/booking)


class Hub:
    def __init__(
        self,
        db: Database,
        center: Center,
        *,
        clock: Clock | None = None,
        publisher: Publisher | None = None,
        settings: HubSettings | None = None,
        tasks: BackgroundTasks | InlineTasks | None = None,
    ) -> None:
        self.db = db
        self.center = center
        self.clock = clock or SystemClock()
        self.publisher: Publisher = publisher or NullPublisher()
        self.settings = settings or HubSettings()
        self.tz = ZoneInfo(center.timezone)
        self.load = LoadCache(self)
        self.login_guard = LoginGuard()
        self.access = AccessCache()  # device keys and staff tokens recently checked
        self.device_kinds: dict[str, str] = {}  # device id → kind (never changes)
        self.tasks = tasks or InlineTasks()  # BackgroundTasks under a server
        self.stopping = threading.Event()  # set by stop(): background loops end
        # Set by create_app for a serving hub; None in tools and service-level tests.
        self.printing: PrintService | None = None
        self.voice: Any = None  # display.voice.Voice: the call announcements
        self.monitor: ManagerMonitor | None = None
        self.install: CenterInstall | None = None
        self.link: Any = None  # realtime.queue_link.QueueLink: whether this hub hears the others
        self.connections: Any = None  # realtime.revocation_watch.ConnectionWatch: open sockets' credentials
        self.supervision: Any = None  # services.supervision.watch.SupervisionWatch, or None in tools
        self.printed_base: str | None = None  # the base URL on the last ticket's QR code
        self.limiter: Any = None  # api.limits.PublicLimits: the public calls' rate limits, or None
        self.partners: Partners | None = None  # the provincial platform's secrets and outbox rhythm

    def stop(self) -> None:
        """End the hub's background loops (tests and orderly shutdown)."""
        self.stopping.set()
        if self.supervision is not None:
            self.supervision.wake.set()  # its loop sleeps on its own event

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
        uow = UnitOfWork(self.db)
        if self.partners is not None:  # new webhook rows wake this hub's delivery loop
            uow.on_outbox_written = self.partners.wake.set
        uow.on_access_changed = self.access_changed
        return uow

    def access_changed(self) -> None:
        """A session ended or a user or device was disabled or enabled: forget the
        checked credentials here and, through the publisher's dirty bus, on every hub."""
        self.access.clear()
        self.publisher.access_changed()

    @contextmanager
    def reading(self):
        """Repositories over a read-only connection (no writer lock)."""
        with self.db.reading() as conn:
            yield Repositories(conn)

    @contextmanager
    def single_statements(self):
        """Repositories over a connection in autocommit: each statement commits on its own
        (for a change written in one statement; PostgreSQL)."""
        with self.db.single_statements() as conn:
            yield Repositories(conn)

    def publish(self, events: Iterable[DomainEvent], *, views: dict[int, dict] | None = None) -> None:
        """``views``: ticket id → the ticket's JSON as the change's answer has it, for a
        publisher that takes them (``SocketPublisher``: the called visitor's
        ``ticket_changed`` without reading the ticket back)."""
        events = list(events)
        if any(e.window_id for e in events):
            self.load.invalidate_windows()
        if events:
            if views and getattr(self.publisher, "takes_views", False):
                self.publisher.publish(events, views=views)
            else:
                self.publisher.publish(events)
            if self.supervision is not None:
                self.supervision.poke(events)
