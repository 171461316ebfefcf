"""Booking, capacity, one booking a day, cancelling, closures, no-shows, strikes, blocks
and the purge, through the services on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from server.db.appointment_tables import appointments as appointment_rows
from server.db.appointment_tables import slot_counts
from server.queueing.actors import Actor
from server.queueing.booking_errors import (
    AlreadyBookedError,
    BookingBlockedError,
    InvalidIdNumberError,
    SlotFullError,
    SlotUnavailableError,
    TooLateToCancelError,
)
from server.queueing.identity import check_character
from server.services.booking import appointments, closures, housekeeping

MANAGER = Actor("user", "1", "manager", "manager")


def id_number(n: int) -> str:
    first17 = f"63010219900101{n:03d}"
    return first17 + check_character(first17)


def first_slot(hub, matter_id, day_index=1):
    slots = appointments.list_slots(hub, matter_id)
    day = sorted({s["start"][:10] for s in slots})[day_index]
    return next(s for s in slots if s["start"].startswith(day))


def book(hub, matter_id, start, n, **extra):
    return appointments.book(hub, matter_id=matter_id, start=datetime.fromisoformat(start),
                             name="张三丰", id_number=id_number(n), phone="13812345678", **extra)


def test_a_booking_answers_masked_data_and_stores_no_clear_value(booking_hub, matter_id):
    slot = first_slot(booking_hub, matter_id)
    assert (slot["capacity"], slot["booked"], slot["available"]) == (4, 0, 4)
    answer, created = book(booking_hub, matter_id, slot["start"], 7)
    assert created and answer["status"] == "booked" and answer["queue_id"] == "tax"
    assert answer["name_masked"] == "张**" and answer["phone_masked"] == "138****5678"
    assert answer["id_masked"] == id_number(7)[:6] + "********" + id_number(7)[-4:]
    assert len(answer["code"]) == 8 and answer["start"] == slot["start"]
    with booking_hub.reading() as repos:
        row = repos.conn.execute(select(appointment_rows)).one()
    stored = " ".join(str(v) for v in row)
    assert id_number(7) not in stored and "张三丰" not in stored and "13812345678" not in stored
    assert first_slot(booking_hub, matter_id)["available"] == 3
    assert appointments.get_appointment(booking_hub, answer["token"]) == answer


def test_refusals(booking_hub, matter_id):
    slot = first_slot(booking_hub, matter_id)
    with pytest.raises(InvalidIdNumberError):
        appointments.book(booking_hub, matter_id=matter_id, start=datetime.fromisoformat(slot["start"]),
                          name="李四", id_number="630102199001011230", phone="13812345678")
    with pytest.raises(SlotUnavailableError):
        book(booking_hub, matter_id, (datetime.fromisoformat(slot["start"]) + timedelta(minutes=30))
             .isoformat(), 1)
    with pytest.raises(SlotUnavailableError):
        book(booking_hub, matter_id, "2026-03-01T09:00:00+08:00", 1)  # a Sunday, in the past
    book(booking_hub, matter_id, slot["start"], 1)
    later = datetime.fromisoformat(slot["start"]) + timedelta(hours=1)
    with pytest.raises(AlreadyBookedError):
        book(booking_hub, matter_id, later.isoformat(), 1)  # one booking a person a day
    for n in (2, 3, 4):
        book(booking_hub, matter_id, slot["start"], n)
    with pytest.raises(SlotFullError):
        book(booking_hub, matter_id, slot["start"], 5)


def test_the_same_idempotency_key_gives_the_same_booking(booking_hub, matter_id):
    slot = first_slot(booking_hub, matter_id)
    first, created = book(booking_hub, matter_id, slot["start"], 1, idempotency_key="k-1")
    again, created_again = book(booking_hub, matter_id, slot["start"], 1, idempotency_key="k-1")
    assert created and not created_again and again["token"] == first["token"]
    assert first_slot(booking_hub, matter_id)["booked"] == 1


def test_cancel_frees_the_seat_until_the_limit(booking_hub, matter_id, clock):
    slot = first_slot(booking_hub, matter_id)
    answer, _ = book(booking_hub, matter_id, slot["start"], 1)
    cancelled = appointments.cancel(booking_hub, answer["token"])
    assert cancelled["status"] == "cancelled" and first_slot(booking_hub, matter_id)["booked"] == 0
    again, _ = book(booking_hub, matter_id, slot["start"], 1)  # the day is free again
    clock.set(datetime.fromisoformat(slot["start"]) - timedelta(minutes=119))
    with pytest.raises(TooLateToCancelError):
        appointments.cancel(booking_hub, again["token"])


def test_closing_a_slot_cancels_its_bookings_with_the_reason(booking_hub, matter_id):
    slot = first_slot(booking_hub, matter_id)
    answer, _ = book(booking_hub, matter_id, slot["start"], 1)
    start = datetime.fromisoformat(slot["start"])
    result = closures.close(booking_hub, MANAGER, day=start.date(), start=start, reason="系统升级")
    assert result["cancelled"] == 1
    seen = appointments.get_appointment(booking_hub, answer["token"])
    assert seen["status"] == "cancelled" and seen["cancel_reason"] == "系统升级"
    assert slot["start"] not in [s["start"] for s in appointments.list_slots(booking_hub, matter_id)]
    with pytest.raises(SlotUnavailableError, match="closed"):
        book(booking_hub, matter_id, slot["start"], 2)
    closures.close(booking_hub, MANAGER, day=start.date(), start=None, reason="全体会议")
    listed = closures.list_closures(booking_hub)
    assert [(c["start"], c["reason"], c["closed_by"]) for c in listed] == [
        (slot["start"], "系统升级", "user:1"), (None, "全体会议", "user:1")]
    assert not [s for s in appointments.list_slots(booking_hub, matter_id)
                if s["start"].startswith(start.date().isoformat())]


def test_missed_appointments_strike_then_block_and_a_manager_lifts_it(booking_hub, matter_id, clock):
    # Three missed appointments (a missed one is no longer active: the same day may be
    # booked again); the third blocks for 30 days.
    for attempt in (1, 2, 3):
        slot = first_slot(booking_hub, matter_id, day_index=1 if attempt == 1 else 0)
        answer, _ = book(booking_hub, matter_id, slot["start"], 9)
        clock.set(datetime.fromisoformat(slot["end"]) + timedelta(minutes=15, seconds=1))
        assert housekeeping.mark_missed(booking_hub) == 1
        assert appointments.get_appointment(booking_hub, answer["token"])["status"] == "missed"
    slot = first_slot(booking_hub, matter_id, day_index=1)
    with pytest.raises(BookingBlockedError) as blocked:
        book(booking_hub, matter_id, slot["start"], 9)
    until = blocked.value.details["until"]
    assert until in blocked.value.message
    book(booking_hub, matter_id, slot["start"], 10)  # somebody else still books
    [block] = closures.list_blocks(booking_hub)
    assert block["until"] == until and set(block) == {"id", "since", "until"}
    closures.lift_block(booking_hub, MANAGER, block["id"])
    assert book(booking_hub, matter_id, slot["start"], 9)[1]


def test_the_purge_empties_personal_fields_after_the_configured_days(booking_hub, matter_id, clock):
    booking_hub.settings.personal_data_days = 30
    slot = first_slot(booking_hub, matter_id)
    answer, _ = book(booking_hub, matter_id, slot["start"], 1)
    end = datetime.fromisoformat(slot["end"])
    clock.set(end + timedelta(days=29))
    housekeeping.mark_missed(booking_hub)
    assert housekeeping.purge(booking_hub) == 0
    assert appointments.get_appointment(booking_hub, answer["token"])["name_masked"] == "张**"
    clock.set(end + timedelta(days=30, seconds=1))
    assert housekeeping.purge(booking_hub) == 1
    seen = appointments.get_appointment(booking_hub, answer["token"])
    assert (seen["name_masked"], seen["id_masked"], seen["phone_masked"]) == (None, None, None)
    assert seen["status"] == "missed" and seen["code"] == answer["code"]  # figures keep the rest
    with booking_hub.reading() as repos:
        assert repos.conn.execute(select(appointment_rows.c.id_hash)).scalar_one() is None
    assert housekeeping.purge(booking_hub) == 0


def test_200_concurrent_bookings_for_a_slot_of_4_give_exactly_4(booking_hub, matter_id):
    slot = first_slot(booking_hub, matter_id)
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(20)

    def worker(first: int) -> None:
        barrier.wait()
        for n in range(first, first + 10):
            try:
                book(booking_hub, matter_id, slot["start"], n)
                result = "booked"
            except SlotFullError:
                result = "slot_full"
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(i * 10,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(outcomes) == 200 and outcomes.count("booked") == 4
    with booking_hub.reading() as repos:
        assert repos.conn.execute(select(slot_counts.c.booked)).scalar_one() == 4
        assert len(repos.conn.execute(select(appointment_rows.c.id)).all()) == 4


def test_one_person_booking_many_slots_of_a_day_at_once_gets_one(booking_hub, matter_id):
    """The same person from a thread for each slot of a day (up to 20), and 20 more threads
    with one idempotency key: one booking each way, whichever write reaches the database
    first (on PostgreSQL the one-statement booking's refused insert takes its seat back)."""
    slots = appointments.list_slots(booking_hub, matter_id)
    day = sorted({s["start"][:10] for s in slots})[1]
    starts = [s["start"] for s in slots if s["start"].startswith(day)][:20]
    outcomes: list[str] = []
    keyed: list[tuple[str, bool]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(starts) + 20)

    def same_person(start: str) -> None:
        barrier.wait(60)
        try:
            book(booking_hub, matter_id, start, 7)
            result = "booked"
        except AlreadyBookedError:
            result = "already_booked"
        with lock:
            outcomes.append(result)

    def same_key() -> None:
        barrier.wait(60)
        answer, created = book(booking_hub, matter_id, starts[0], 8, idempotency_key="burst-key")
        with lock:
            keyed.append((answer["token"], created))

    threads = [threading.Thread(target=same_person, args=(start,)) for start in starts]
    threads += [threading.Thread(target=same_key) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(starts) > 1
    assert len(outcomes) == len(starts) and outcomes.count("booked") == 1
    assert len(keyed) == 20 and len({token for token, _ in keyed}) == 1
    assert sum(created for _, created in keyed) == 1
    with booking_hub.reading() as repos:
        # the two bookings' seats, and no seat taken by a refused insert
        assert len(repos.conn.execute(select(appointment_rows.c.id)).all()) == 2
        assert sum(repos.conn.execute(select(slot_counts.c.booked)).scalars().all()) == 2


def _change_before_the_write(monkeypatch, hub, change) -> None:
    """Run ``change`` once, after the booking's read of its facts and before its write
    transaction (PostgreSQL: the one-statement booking answers as when the slot it saw
    with a seat left filled before its seat was taken, so that the transaction decides)."""
    from server.db.repositories.appointments import AppointmentRepository, Facts

    monkeypatch.setattr(AppointmentRepository, "book_in_one",
                        lambda self, **values: (Facts(None, 0, 0, 0, None, None), None))
    opened = hub.uow
    pending = [change]

    def uow():
        if pending:
            pending.pop()()
        return opened()

    monkeypatch.setattr(hub, "uow", uow)


@pytest.mark.parametrize("change", ["same_day", "same_key", "slot_closed", "day_closed", "blocked",
                                    "filled", "none"])
def test_what_changed_between_the_read_and_the_write_decides(booking_hub, matter_id, monkeypatch,
                                                             change):
    """The read before the write transaction allowed the seat; by the time the
    transaction takes it the facts have changed: the seat is taken only if they still
    allow it, in one statement, and otherwise refused as they call for, with no seat taken."""
    from server.db.repositories.appointments import AppointmentRepository
    from server.queueing.identity import id_hash

    slot = first_slot(booking_hub, matter_id)
    start = datetime.fromisoformat(slot["start"])
    if change == "filled":
        for n in (11, 12, 13):
            book(booking_hub, matter_id, slot["start"], n)
    keyed = {}

    def block() -> None:
        with booking_hub.uow() as uow:
            AppointmentRepository(uow.conn).block(id_hash(id_number(1), "test-secret"),
                                                  booking_hub.now(), start.date() + timedelta(days=9))
            uow.commit()

    later = (start + timedelta(hours=1)).isoformat()
    changes = {
        "same_day": lambda: book(booking_hub, matter_id, later, 1),
        "same_key": lambda: keyed.update(token=book(booking_hub, matter_id, later, 2,
                                                    idempotency_key="k-1")[0]["token"]),
        "slot_closed": lambda: closures.close(booking_hub, MANAGER, day=start.date(), start=start,
                                              reason="停电"),
        "day_closed": lambda: closures.close(booking_hub, MANAGER, day=start.date(), start=None,
                                             reason="全体会议"),
        "blocked": block,
        "filled": lambda: book(booking_hub, matter_id, slot["start"], 14),
        "none": lambda: None,
    }
    _change_before_the_write(monkeypatch, booking_hub, changes[change])
    refusal = {"same_day": AlreadyBookedError, "slot_closed": SlotUnavailableError,
               "day_closed": SlotUnavailableError, "blocked": BookingBlockedError,
               "filled": SlotFullError}.get(change)
    if refusal is not None:
        with pytest.raises(refusal):
            book(booking_hub, matter_id, slot["start"], 1, idempotency_key="k-1")
    else:
        answer, created = book(booking_hub, matter_id, slot["start"], 1, idempotency_key="k-1")
        assert created == (change == "none")
        if change == "same_key":
            assert answer["token"] == keyed["token"]
    with booking_hub.reading() as repos:
        rows = repos.conn.execute(select(appointment_rows.c.slot_start, appointment_rows.c.status)).all()
        seats = dict(repos.conn.execute(select(slot_counts.c.slot_start, slot_counts.c.booked)).all())
    booked = [s for s, status in rows if status == "booked"]
    assert sum(seats.values()) == len(booked)  # no seat taken by a refused booking
    assert seats.get(start, 0) == sum(1 for s in booked if s == start) <= 4


def test_a_seat_freed_in_a_slot_seen_full_is_booked(booking_hub, matter_id):
    """PostgreSQL reads a slot this hub saw full before it books (a hint of which way to
    go): a seat freed since, by a cancellation here or on another hub, is still booked."""
    slot = first_slot(booking_hub, matter_id)
    answers = [book(booking_hub, matter_id, slot["start"], n)[0] for n in (1, 2, 3, 4)]
    for _ in range(2):
        with pytest.raises(SlotFullError):
            book(booking_hub, matter_id, slot["start"], 5)
    seen = appointments._SEEN_FULL.get(booking_hub, set())
    assert ((booking_hub.db.is_sqlite and not seen)
            or seen == {("tax", datetime.fromisoformat(slot["start"]))})
    appointments.cancel(booking_hub, answers[0]["token"])
    answer, created = book(booking_hub, matter_id, slot["start"], 5)
    assert created and answer["status"] == "booked"
    assert not appointments._SEEN_FULL.get(booking_hub, set())
    with pytest.raises(SlotFullError):
        book(booking_hub, matter_id, slot["start"], 6)
    assert first_slot(booking_hub, matter_id)["booked"] == 4
