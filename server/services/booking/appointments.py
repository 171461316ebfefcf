"""Booking a slot, reading and cancelling a booking, the slots a queue offers.

Identity data never leaves ``book`` in clear: the ID number becomes its keyed hash
(``hub``'s SECRET_KEY) and its masked form, the name and phone their masked forms.
Capacity is held by the repository's seat (one conditional upsert per booking, ``WHERE
booked < capacity``, in ``take_seat``, ``take_seat_if_free`` and ``book_in_one`` alike);
one active booking per person and day by a partial unique index.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from weakref import WeakKeyDictionary

from sqlalchemy.exc import IntegrityError

from server.db.repositories.appointments import AppointmentRepository
from server.db.repositories.outbox import APPOINTMENT_CHANGED
from server.queueing.booking_errors import (
    AlreadyBookedError,
    AppointmentNotFoundError,
    AppointmentStateError,
    BookingBlockedError,
    SlotFullError,
    SlotUnavailableError,
    TooLateToCancelError,
)
from server.queueing.errors import InvalidFieldError, MissingFieldError, QueueingError
from server.queueing.identity import (
    MAX_NAME,
    check_id_number,
    check_phone,
    id_hash,
    mask_id_number,
    mask_name,
    mask_phone,
)
from server.queueing.slots import Closures, SlotPlan

from ..hub import Hub

TOKEN_BYTES = 16
CODE_DIGITS = 8


_PLANS: WeakKeyDictionary[Hub, SlotPlan] = WeakKeyDictionary()


def plan(hub: Hub) -> SlotPlan:
    """The hub's slot plan, kept while its calendar, rules, zone and hours stay the same
    objects (it keeps the bookable days of today)."""
    kept = _PLANS.get(hub)
    if (kept is None or kept.calendar is not hub.calendar
            or kept.rules is not hub.center.rules.appointments or kept.tz is not hub.tz
            or kept.hours is not hub.center.hours):
        kept = _PLANS[hub] = SlotPlan(hub.calendar, hub.center.rules.appointments, hub.tz,
                                      hub.center.hours)
    return kept


def secret(hub: Hub) -> str:
    if not hub.settings.secret_key:
        raise RuntimeError("the hub has no SECRET_KEY to hash ID numbers with")
    return hub.settings.secret_key


def closures_of(repo: AppointmentRepository, days: list[date], tz) -> Closures:
    if not days:
        return Closures()
    rows = repo.closures(min(days), max(days))
    return Closures(days=frozenset(r.day for r in rows if r.slot_start is None),
                    slots=frozenset(r.slot_start.astimezone(tz) for r in rows
                                    if r.slot_start is not None))


def list_slots(hub: Hub, matter_id: str, day: date | None = None) -> list[dict]:
    """The bookable slots of the matter's queue: one day, or every bookable day."""
    queue = hub.center.queue(hub.center.matter(matter_id).queue_id)
    slot_plan, now = plan(hub), hub.now()
    days = slot_plan.bookable_days(now)
    if day is not None:
        days = [d for d in days if d == day]
    capacity = slot_plan.capacity(queue)
    with hub.reading() as repos:
        repo = AppointmentRepository(repos.conn)
        closures = closures_of(repo, days, hub.tz)
        slots = [s for d in days for s in slot_plan.offered(queue, d, now, closures)]
        counts = repo.booked_counts(queue.id, [s.start for s in slots])
    answer = []
    for slot in slots:
        booked = min(counts.get(slot.start, 0), capacity)
        start, end = slot.iso
        answer.append({"start": start, "end": end, "capacity": capacity, "booked": booked,
                       "available": capacity - booked})
    return answer


def appointment_view(hub: Hub, row) -> dict:
    return {
        "token": row.token,
        "code": row.code,
        "status": row.status,
        "matter_id": row.matter_id,
        "queue_id": row.queue_id,
        "start": row.slot_start.astimezone(hub.tz).isoformat(),
        "end": row.slot_end.astimezone(hub.tz).isoformat(),
        "name_masked": row.name_masked,
        "id_masked": row.id_masked,
        "phone_masked": row.phone_masked,
        "cancel_reason": row.cancel_reason,
        "checked_in_at": _iso(hub, row.checked_in_at),
        "ticket_id": row.ticket_id,
    }


def tell_partner(hub: Hub, uow, row, change: str, now: datetime) -> None:
    """The ``appointment.changed`` webhook of a change, in the change's transaction: to the
    partner that booked it (nothing for a booking made elsewhere). ``row`` is the
    appointment as it is after the change."""
    if row.device_id is None:
        return
    uow.outbox.add(row.device_id, APPOINTMENT_CHANGED, f"appointment:{row.id}",
                   {"appointment": appointment_view(hub, row), "changes": [change]}, now)


def _iso(hub: Hub, at: datetime | None) -> str | None:
    return at.astimezone(hub.tz).isoformat() if at is not None else None


def _person(name: object, id_number: object, phone: object) -> tuple[str, str, str]:
    if not isinstance(name, str) or not name.strip():
        raise MissingFieldError("name is required", field="name")
    if len(name.strip()) > MAX_NAME:
        raise InvalidFieldError(f"name has at most {MAX_NAME} characters", field="name")
    number = check_id_number(id_number)
    checked_phone = check_phone(phone)
    if checked_phone is None:
        raise InvalidFieldError("phone must be 5 to 15 digits", field="phone")
    return name.strip(), number, checked_phone


def book(hub: Hub, *, matter_id: str, start: datetime, name: object, id_number: object,
         phone: object, idempotency_key: str | None = None, channel: str = "web",
         device_id: str | None = None) -> tuple[dict, bool]:
    """Book the slot beginning at ``start`` for the matter. Returns (appointment, created).
    ``device_id``: the partner booking it (``channel`` ``partner``), told of every change.

    A refusal (the slot unavailable or full, the person blocked or already booked that
    day) and a repeated idempotency key are answered from one read, without the write
    transaction (on SQLite, without the writer lock): under a release burst most requests
    find their slot full. Otherwise the write transaction takes the seat only if the same
    facts still allow it (one statement) and writes the booking, or reads them again to
    refuse as they call for. On PostgreSQL (no partner to tell) the read, the seat and the
    booking are one statement on the read's connection."""
    matter = hub.center.matter(matter_id)
    clear_name, number, clear_phone = _person(name, id_number, phone)
    asked = _Asked(hub=hub, matter=matter, queue=hub.center.queue(matter.queue_id), start=start,
                   person=id_hash(number, secret(hub)), number=number, clear_name=clear_name,
                   clear_phone=clear_phone, idempotency_key=idempotency_key or None,
                   channel=channel, device_id=device_id, slot_plan=plan(hub), now=hub.now())
    if start.tzinfo is not None:  # a naive start is refused in the transaction, by slot_at
        answered = _from_the_read(asked)
        if answered is not None:
            return answered
    try:
        return _in_transaction(asked)
    except IntegrityError:
        return _raced(hub, asked.idempotency_key)


@dataclass
class _Asked:
    """One booking request, its identity already checked and hashed; ``slot``: the slot
    the first read found offered and the facts allowing (None before, or without it)."""

    hub: Hub
    matter: object
    queue: object
    start: datetime
    person: str  # the ID number's keyed hash
    # in clear, never shown: not in the request's repr (a log line, a traceback)
    number: str = field(repr=False)
    clear_name: str = field(repr=False)
    clear_phone: str = field(repr=False)
    idempotency_key: str | None = None
    channel: str = "web"
    device_id: str | None = None
    slot_plan: SlotPlan | None = None
    now: datetime | None = None
    slot: object = None

    @property
    def capacity(self) -> int:
        return self.slot_plan.capacity(self.queue)

    def today(self) -> date:
        return self.hub.today(self.now)

    def facts(self, repo: AppointmentRepository):
        return repo.booking_facts(queue_id=self.queue.id, slot_start=self.start,
                                  day=self.start.astimezone(self.hub.tz).date(),
                                  id_hash=self.person, today=self.today(),
                                  idempotency_key=self.idempotency_key)

    def new_row(self, slot) -> dict:
        """The new appointment's values: its token and code drawn, the identity masked."""
        return dict(token=secrets.token_urlsafe(TOKEN_BYTES), code=_code(),
                    matter_id=self.matter.id, queue_id=self.queue.id, service_day=slot.day,
                    slot_start=slot.start, slot_end=slot.end, status="booked",
                    id_hash=self.person, id_masked=mask_id_number(self.number),
                    name_masked=mask_name(self.clear_name),
                    phone_masked=mask_phone(self.clear_phone), booked_at=self.now,
                    idempotency_key=self.idempotency_key, channel=self.channel,
                    device_id=self.device_id)


def _from_the_read(asked: _Asked) -> tuple[dict, bool] | None:
    """The answer one read (outside the write transaction) can give: a refusal (raised),
    the booking of a repeated key, or, on PostgreSQL with no partner to tell, the booking
    itself. None: the facts allow the seat, and the transaction decides."""
    hub, queue, start = asked.hub, asked.queue, asked.start
    refused = None
    raced = False
    # PostgreSQL, no partner to tell (no webhook row to write with it), a slot the plan
    # offers: the read and the booking in one statement on the read's autocommit
    # connection, a round trip for a seat as for a refusal, where a transaction took
    # five, each waiting for the hub's loop to come round again under a burst. A slot
    # this hub saw full is read first (a refusal's read is cheaper than the one
    # statement's, whose new row is drawn and bound whether or not it is booked): only
    # a hint of which way to go, each decides alike.
    one_statement = not hub.db.is_sqlite and asked.device_id is None
    seen_full = _seen_full(hub) if one_statement else None
    slot = (_offered(asked.slot_plan, queue, start, asked.now)
            if one_statement and (queue.id, start) not in seen_full else None)
    with hub.db.reading() as conn:
        repo = AppointmentRepository(conn)
        facts = None
        if slot is not None:
            try:
                facts, row = repo.book_in_one(capacity=asked.capacity, today=asked.today(),
                                              **asked.new_row(slot))
            except IntegrityError:
                raced = True  # answered below, on a connection of its own
            else:
                if row is not None:
                    return appointment_view(hub, row), True
        else:
            facts = asked.facts(repo)
        if facts is not None:
            if seen_full is not None:
                _note_seats(seen_full, (queue.id, start), (facts.booked or 0) >= asked.capacity)
            if facts.keyed is not None:
                return appointment_view(hub, repo.get(id=facts.keyed)), False
            try:
                asked.slot = _check(asked, facts)
                if (facts.booked or 0) >= asked.capacity:
                    raise SlotFullError()
            except QueueingError as exc:
                # raised once the read is over: a connection left by an error is not kept
                # for the next read (SQLite), and most requests of a burst are refused
                refused = exc
            # Otherwise the facts allow the seat: SQLite takes it in the transaction; on
            # PostgreSQL the slot filled after the facts were read in the one statement,
            # or a seat was freed since: the transaction decides.
    if refused is not None:
        raise refused
    if raced:
        return _raced(hub, asked.idempotency_key)
    return None


def _in_transaction(asked: _Asked) -> tuple[dict, bool]:
    """The booking in the write transaction. A start the read allowed: the seat is taken
    if the facts still allow it, in one statement (on SQLite the facts are not read a
    second time under the writer lock); if no seat was taken, or the start is naive, the
    facts are read again to book or refuse as they call for."""
    hub, queue, start, slot_plan = asked.hub, asked.queue, asked.start, asked.slot_plan
    with hub.uow() as uow:
        repo = AppointmentRepository(uow.conn)
        if start.tzinfo is None:  # refused by slot_at below, as an unknown key is
            if asked.idempotency_key and (
                    existing := repo.get(idempotency_key=asked.idempotency_key)):
                return appointment_view(hub, existing), False
            slot_plan.slot_at(queue, start, asked.now)
        else:
            slot = asked.slot
            values = asked.new_row(slot)
            if repo.take_seat_if_free(
                    queue_id=queue.id, slot_start=slot.start, capacity=asked.capacity,
                    idempotency_key=asked.idempotency_key, service_day=slot.day,
                    id_hash=asked.person, today=asked.today()) is not None:
                row = repo.add_row(**values)
                tell_partner(hub, uow, row, "booked", asked.now)
                uow.commit()
                return appointment_view(hub, row), True
        facts = asked.facts(repo)
        if facts.keyed is not None:
            return appointment_view(hub, repo.get(id=facts.keyed)), False
        slot = _check(asked, facts)
        if repo.take_seat(queue.id, slot.start, asked.capacity) is None:
            raise SlotFullError()
        row = repo.add_row(**asked.new_row(slot))
        tell_partner(hub, uow, row, "booked", asked.now)
        uow.commit()
    return appointment_view(hub, row), True


def _raced(hub: Hub, idempotency_key: str | None) -> tuple[dict, bool]:
    """A unique key refused the insert: another request of the same person (or the same
    key, or a code drawn twice) committed between our reads and our insert; the seat taken
    with it was rolled back. The key's booking, or AlreadyBookedError."""
    with hub.reading() as repos:
        repo = AppointmentRepository(repos.conn)
        existing = repo.get(idempotency_key=idempotency_key) if idempotency_key else None
        if existing is not None:
            return appointment_view(hub, existing), False
    raise AlreadyBookedError() from None


_SEEN_FULL: WeakKeyDictionary[Hub, set] = WeakKeyDictionary()
SEEN_FULL_KEPT = 20_000  # slots (queue, start) a hub remembers it saw full


def _seen_full(hub: Hub) -> set:
    """The slots this hub last saw full (PostgreSQL's choice of a booking's first step)."""
    seen = _SEEN_FULL.get(hub)
    if seen is None:
        seen = _SEEN_FULL[hub] = set()
    return seen


def _note_seats(seen_full: set, key: tuple, full: bool) -> None:
    if not full:
        seen_full.discard(key)
        return
    if len(seen_full) >= SEEN_FULL_KEPT:
        seen_full.clear()
    seen_full.add(key)


def _offered(slot_plan: SlotPlan, queue, start: datetime, now: datetime):
    """The slot beginning at ``start`` if the plan offers it now (closures aside), or None."""
    try:
        return slot_plan.slot_at(queue, start, now)
    except SlotUnavailableError:
        return None


def _check(asked: _Asked, facts):
    """The slot, or the refusal the facts call for, in this order: the slot unavailable
    (closed, ended, not offered), the person blocked, the person booked that day."""
    hub = asked.hub
    local = asked.start.astimezone(hub.tz)
    closures = Closures(days=frozenset((local.date(),)) if facts.day_closed else frozenset(),
                        slots=frozenset((local,)) if facts.slot_closed else frozenset())
    slot = asked.slot_plan.slot_at(asked.queue, asked.start, asked.now, closures)
    if facts.blocked_until is not None:
        rules = hub.center.rules.appointments
        raise BookingBlockedError(
            f"booking is blocked after {rules.strikes} missed appointments "
            f"until {facts.blocked_until.isoformat()}", until=facts.blocked_until.isoformat())
    if facts.active is not None:
        raise AlreadyBookedError()
    return slot


def _code() -> str:
    """Eight random digits: one draw of a number below 10^8, zero-padded (the same
    distribution as eight draws of a digit, with one read of the system's randomness)."""
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def get_appointment(hub: Hub, token: str) -> dict:
    with hub.reading() as repos:
        row = AppointmentRepository(repos.conn).get(token=token)
    if row is None:
        raise AppointmentNotFoundError()
    return appointment_view(hub, row)


def cancel(hub: Hub, token: str, reason: str | None = None) -> dict:
    """The visitor cancels, at least ``cancel_before_minutes`` before the slot begins."""
    now = hub.now()
    limit = timedelta(minutes=hub.center.rules.appointments.cancel_before_minutes)
    with hub.uow() as uow:
        repo = AppointmentRepository(uow.conn)
        row = repo.get(token=token)
        if row is None:
            raise AppointmentNotFoundError()
        if row.status == "cancelled":
            return appointment_view(hub, row)
        if row.status != "booked":
            raise AppointmentStateError(f"a {row.status} appointment cannot be cancelled")
        if now > row.slot_start - limit:
            raise TooLateToCancelError(
                f"appointments are cancelled at least {limit.seconds // 60} minutes before "
                "their slot", latest=(row.slot_start - limit).astimezone(hub.tz).isoformat())
        _cancel_row(hub, uow, repo, row, now, reason)
        row = repo.get(id=row.id)
        uow.commit()
    return appointment_view(hub, row)


def _cancel_row(hub: Hub, uow, repo: AppointmentRepository, row, now: datetime,
                reason: str | None) -> bool:
    """Cancel a booked appointment (the visitor, or a closed day or slot), free its seat
    and tell its partner; False when it was no longer booked."""
    if not repo.move(row.id, "booked", status="cancelled", cancelled_at=now, cancel_reason=reason):
        return False
    repo.free_seat(row.queue_id, row.slot_start)
    if row.device_id is not None:
        tell_partner(hub, uow, repo.get(id=row.id), "cancelled", now)
    return True
