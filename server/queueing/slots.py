"""Appointment slots (预约时段): which slots a queue offers, and whether one may be booked.

A slot is ``rules.appointments.slot_minutes`` long and lies wholly inside one opening
period of the center's hours (a center without hours books 09:00-17:00). Slots exist
only on working days of the center's calendar (``working_days.WorkingCalendar``: weekends
and statutory holidays off, make-up working days on). A slot on day D can be booked
from the moment D is at most ``days_ahead`` working days after today until the slot
ends. A queue holds ``per_slot`` bookings per slot: its own (``Queue.per_slot``), else
the rules' value; 0 turns bookings off for it, and so does ``enabled: false``.

A manager may close a whole day or one slot (``Closures``); a closed slot is not offered
and cannot be booked. Pure: the time and the closures are passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cached_property, lru_cache

from .booking_errors import SlotUnavailableError
from .center import Queue
from .hours import ServiceHours
from .rules import AppointmentRules
from .working_days import WorkingCalendar

DEFAULT_HOURS = ServiceHours(((time(9, 0), time(17, 0)),))


@dataclass(frozen=True, order=True)
class Slot:
    start: datetime  # aware, local
    end: datetime

    @property
    def day(self) -> date:
        return self.start.date()

    @cached_property
    def iso(self) -> tuple[str, str]:
        """Start and end in ISO 8601 (kept: a day's slots are kept, and listed often)."""
        return self.start.isoformat(), self.end.isoformat()


@dataclass(frozen=True)
class Closures:
    """Days and slots a manager closed: local days, and slot starts (aware)."""

    days: frozenset[date] = frozenset()
    slots: frozenset[datetime] = frozenset()

    def closes(self, slot: Slot) -> bool:
        return slot.day in self.days or any(slot.start == at for at in self.slots)


@dataclass(frozen=True)
class SlotPlan:
    calendar: WorkingCalendar
    rules: AppointmentRules
    tz: tzinfo
    hours: ServiceHours = field(default=ServiceHours())
    # today → its bookable days: the calendar and the rules never change in a plan.
    _days: dict[date, tuple[date, ...]] = field(default_factory=dict, init=False, repr=False,
                                                compare=False, hash=False)

    def capacity(self, queue: Queue) -> int:
        """Bookings a slot of the queue holds; 0 when the queue takes none."""
        if not self.rules.enabled:
            return 0
        return self.rules.per_slot if queue.per_slot is None else queue.per_slot

    def day_slots(self, day: date) -> list[Slot]:
        """Every slot of a day by the hours alone (no calendar, no closures)."""
        return list(_day_slots(self.hours or DEFAULT_HOURS, self.rules.slot_minutes, self.tz, day))

    def bookable_days(self, now: datetime) -> list[date]:
        """Today, if it is a working day, and the next ``days_ahead`` working days."""
        today = now.astimezone(self.tz).date()
        known = self._days.get(today)
        if known is None:
            days = [today] if self.calendar.is_working_day(today) else []
            cursor = today
            for _ in range(self.rules.days_ahead):
                cursor = self.calendar.add_working_days(cursor, 1)
                days.append(cursor)
            if len(self._days) > 7:
                self._days.clear()
            known = self._days[today] = tuple(days)
        return list(known)

    def offered(self, queue: Queue, day: date, now: datetime,
                closures: Closures = Closures()) -> list[Slot]:
        """The slots of a queue on a day that may be booked now."""
        if self.capacity(queue) <= 0 or day not in self.bookable_days(now):
            return []
        return [slot for slot in self.day_slots(day)
                if slot.end > now and not closures.closes(slot)]

    def offered_days(self, queue: Queue, now: datetime,
                     closures: Closures = Closures()) -> list[tuple[date, list[Slot]]]:
        return [(day, self.offered(queue, day, now, closures)) for day in self.bookable_days(now)]

    def slot_at(self, queue: Queue, start: datetime, now: datetime,
                closures: Closures = Closures()) -> Slot:
        """The slot beginning at ``start`` if the queue may book it now, else
        ``SlotUnavailableError``."""
        if start.tzinfo is None:
            raise SlotUnavailableError("the slot's start needs a time zone offset")
        if self.capacity(queue) <= 0:
            raise SlotUnavailableError(f"queue {queue.id!r} takes no appointments")
        local = start.astimezone(self.tz)
        # As ``offered`` would have it, without building the day's list: the slot that
        # begins at this wall time (same zone: compared as ``==`` compares them), on a
        # bookable day, not ended, not closed.
        slot = _day_index(self.hours or DEFAULT_HOURS, self.rules.slot_minutes, self.tz,
                          local.date()).get(local.replace(tzinfo=None))
        if (slot is not None and slot.end > now and not closures.closes(slot)
                and local.date() in self.bookable_days(now)):
            return slot
        raise SlotUnavailableError(_why_unavailable(self, local, now, closures))


@lru_cache(maxsize=64)
def _day_slots(hours: ServiceHours, slot_minutes: int, tz: tzinfo, day: date) -> tuple[Slot, ...]:
    """The slots of a day by the hours (kept: a booking asks for one of the same few days)."""
    length = timedelta(minutes=slot_minutes)
    slots = []
    for begins, ends in hours.periods:
        cursor = datetime.combine(day, begins, tz)
        period_end = datetime.combine(day, ends, tz)
        while cursor + length <= period_end:
            slots.append(Slot(cursor, cursor + length))
            cursor += length
    return tuple(slots)


@lru_cache(maxsize=64)
def _day_index(hours: ServiceHours, slot_minutes: int, tz: tzinfo, day: date) -> dict[datetime, Slot]:
    """The day's slots by their local wall-clock start (naive). Read only."""
    return {slot.start.replace(tzinfo=None): slot for slot in _day_slots(hours, slot_minutes, tz, day)}


def _why_unavailable(plan: SlotPlan, start: datetime, now: datetime, closures: Closures) -> str:
    day = start.date()
    if day in closures.days:
        return f"{day.isoformat()} is closed for appointments"
    if not plan.calendar.is_working_day(day):
        return f"{day.isoformat()} is not a working day"
    if start.date() not in plan.bookable_days(now):
        if start < now:
            return "that slot is in the past"
        return f"slots can be booked at most {plan.rules.days_ahead} working days ahead"
    if not any(slot.start == start for slot in plan.day_slots(day)):
        return f"no slot begins at {start:%H:%M}"
    if closures.closes(Slot(start, start)):
        return f"the slot at {start:%H:%M} is closed"
    return "that slot has ended"


def slot_of(slots: Iterable[Slot], start: datetime) -> Slot | None:
    return next((slot for slot in slots if slot.start == start), None)
