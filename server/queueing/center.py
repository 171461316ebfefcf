"""The center model: zones, units, matters, queues and windows of one service hall.

A ``Center`` is built once (by ``server.center_file``), validated there, and never
changed afterwards: every class here is a frozen dataclass. The dicts of a center keep
the order of the definition file.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from server.queueing.errors import UnknownMatterError, UnknownQueueError, UnknownWindowError
from server.queueing.hours import ServiceHours
from server.queueing.rules import Rules
from server.queueing.working_days import CalendarOverrides

UNIT_GROUPS: tuple[str, ...] = ("whole_unit", "standalone", "county", "enterprise", "comprehensive")
MATTER_CATEGORIES: tuple[str, ...] = ("approval", "public_service", "other")
WINDOW_KINDS: tuple[str, ...] = ("whole_unit", "standalone", "comprehensive")
DEFAULT_PRIORITY_REASONS: tuple[str, ...] = ("elderly", "disabled", "pregnant", "military")
# A unit's picture on the kiosk (``icon`` in the center file): the symbols of
# server/static/unit-icons.svg. A unit that names none shows the government building.
UNIT_ICONS: tuple[str, ...] = (
    "government", "insurance", "housing-fund", "justice", "police", "shield", "people",
    "community", "family", "briefcase", "building", "bus", "driving", "shop", "tax",
    "accessible", "land", "water", "waves", "power", "heating", "mail", "phone", "tv",
    "antenna", "bank", "permit", "growth", "bar-chart", "factory", "helmet", "org-chart",
    "wheat", "leaf", "tree", "archive", "weather", "education", "siren", "seismograph",
    "health", "mountain", "helping-hand", "music",
)
DEFAULT_UNIT_ICON = "government"


def _public(value: Any) -> Any:
    """A center object as JSON-ready data: every field, tuples as lists, nested objects too."""
    if is_dataclass(value):
        return {f.name: _public(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return [_public(item) for item in value]
    return value


@dataclass(frozen=True)
class Guide:
    """The one-time notification of a matter: everything a visitor must know at once."""

    time_limit_days: int | None = None
    materials: tuple[str, ...] = ()
    fees: str | None = None
    basis: str | None = None
    procedure: tuple[str, ...] = ()
    on_the_spot: bool = False
    notes: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return _public(self)


@dataclass(frozen=True)
class Zone:
    """A part of the hall with its own display screens (a floor, a wing)."""

    id: str
    name: str
    name_en: str | None = None
    name_bo: str | None = None
    floor: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return _public(self)


@dataclass(frozen=True)
class Unit:
    """A department (or county office, or enterprise) that serves in the hall."""

    id: str
    name: str
    name_en: str | None = None
    name_bo: str | None = None
    group: str = "standalone"
    short_name: str | None = None  # what visitors call it (社保, 公积金): the kiosk searches and shows it
    short_name_en: str | None = None  # the same in English (Police, Tax), shown by the English kiosk
    icon: str = DEFAULT_UNIT_ICON  # one of UNIT_ICONS: its picture on the kiosk

    def to_dict(self) -> dict[str, Any]:
        return _public(self)


@dataclass(frozen=True)
class Matter:
    """One service a visitor comes for; ``queue_id`` is resolved by the loader."""

    id: str
    name: str
    unit_id: str
    category: str
    queue_id: str
    guide: Guide | None = None
    name_en: str | None = None
    service_minutes: float | None = None
    keywords: tuple[str, ...] = ()  # other names visitors search it by (营业执照)

    def to_dict(self) -> dict[str, Any]:
        return _public(self)


@dataclass(frozen=True)
class Queue:
    """One line of visitors with one number prefix; ``window_ids`` in window-number order."""

    id: str
    name: str
    prefix: str
    unit_ids: tuple[str, ...] = ()
    matter_ids: tuple[str, ...] = ()
    window_ids: tuple[str, ...] = ()
    name_en: str | None = None
    per_slot: int | None = None  # bookings per appointment slot; None: rules.appointments.per_slot; 0: none

    def to_dict(self) -> dict[str, Any]:
        return _public(self)


@dataclass(frozen=True)
class Window:
    """A counter; it serves its queues in the order listed."""

    id: str
    number: int
    name: str
    zone_id: str
    kind: str
    queue_ids: tuple[str, ...]
    name_en: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return _public(self)


@dataclass(frozen=True)
class Center:
    """A whole service hall, as loaded and validated from its definition file."""

    name: str
    timezone: str
    zones: dict[str, Zone]
    units: dict[str, Unit]
    matters: dict[str, Matter]
    queues: dict[str, Queue]
    windows: dict[str, Window]
    name_en: str | None = None
    priority_reasons: tuple[str, ...] = DEFAULT_PRIORITY_REASONS
    hours: ServiceHours = ServiceHours()  # opening hours; empty: always open
    rules: Rules = Rules()  # the rules section, with the contract's defaults
    calendar: CalendarOverrides = CalendarOverrides()  # the center's own holidays and workdays

    def __post_init__(self) -> None:
        # A derived index, not a dataclass field: it stays out of fields(), eq and repr.
        grouped: dict[str, list[Matter]] = {queue_id: [] for queue_id in self.queues}
        for matter in self.matters.values():
            grouped.setdefault(matter.queue_id, []).append(matter)
        object.__setattr__(
            self, "_matters_by_queue", {key: tuple(value) for key, value in grouped.items()}
        )

    def matter(self, matter_id: str) -> Matter:
        try:
            return self.matters[matter_id]
        except (KeyError, TypeError):
            raise UnknownMatterError(matter_id) from None

    def queue(self, queue_id: str) -> Queue:
        try:
            return self.queues[queue_id]
        except (KeyError, TypeError):
            raise UnknownQueueError(queue_id) from None

    def window(self, window_id: str) -> Window:
        try:
            return self.windows[window_id]
        except (KeyError, TypeError):
            raise UnknownWindowError(window_id) from None

    def queues_of_window(self, window_id: str) -> tuple[Queue, ...]:
        """The queues a window serves, in the window's order."""
        return tuple(self.queues[queue_id] for queue_id in self.window(window_id).queue_ids)

    def windows_of_queue(self, queue_id: str) -> tuple[Window, ...]:
        """The windows that serve a queue, in window-number order."""
        return tuple(self.windows[window_id] for window_id in self.queue(queue_id).window_ids)

    def matters_of_queue(self, queue_id: str) -> tuple[Matter, ...]:
        """The matters whose tickets go into a queue, in file order."""
        self.queue(queue_id)
        by_queue: dict[str, tuple[Matter, ...]] = self.__dict__["_matters_by_queue"]
        return by_queue.get(queue_id, ())

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready public view served at ``GET /api/v1/center``."""
        return {
            "name": self.name,
            "name_en": self.name_en,
            "timezone": self.timezone,
            "priority_reasons": list(self.priority_reasons),
            "hours": self.hours.to_texts(),
            "zones": [zone.to_dict() for zone in self.zones.values()],
            "units": [unit.to_dict() for unit in self.units.values()],
            "matters": [matter.to_dict() for matter in self.matters.values()],
            "queues": [queue.to_dict() for queue in self.queues.values()],
            "windows": [window.to_dict() for window in self.windows.values()],
            "rules": self.rules.to_dict(),
            "calendar": self.calendar.to_texts(),
        }
