"""A manager closes a day or one slot for appointments (a meeting, a system outage), and
lifts a booking block. Bookings in a closed day or slot are cancelled with the reason,
which the visitor sees on the booking page; each move is logged (who, what, never whom).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from server.db.repositories.appointments import AppointmentRepository
from server.queueing.actors import Actor
from server.queueing.booking_errors import SlotUnavailableError
from server.queueing.errors import MissingFieldError, NotFoundError

from ..hub import Hub
from .appointments import _cancel_row, plan

log = logging.getLogger(__name__)
MAX_REASON = 200
LOOK_AHEAD_DAYS = 60  # closures listed from today on


def close(hub: Hub, actor: Actor, *, day: date, start: datetime | None, reason: str) -> dict:
    """Close ``day`` (``start`` None) or the slot beginning at ``start`` on it."""
    if not reason or not reason.strip():
        raise MissingFieldError("a reason is required: the visitors see it", field="reason")
    local_start = None
    if start is not None:
        local_start = start.astimezone(hub.tz)
        if local_start.date() != day or local_start not in [s.start for s in plan(hub).day_slots(day)]:
            raise SlotUnavailableError(f"no slot begins at {start.isoformat()} on {day.isoformat()}")
    now = hub.now()
    with hub.uow() as uow:
        repo = AppointmentRepository(uow.conn)
        closure_id = repo.close(day, local_start, reason.strip(), str(actor), now)
        cancelled = sum(_cancel_row(hub, uow, repo, row, now, reason.strip())
                        for row in repo.booked_in(day, local_start))
        uow.commit()
    what = local_start.isoformat() if local_start else day.isoformat()
    log.info("%s closed appointments of %s; %d bookings cancelled", actor, what, cancelled)
    return {"id": closure_id, "day": day.isoformat(),
            "start": local_start.isoformat() if local_start else None,
            "reason": reason.strip(), "cancelled": cancelled}


def list_closures(hub: Hub) -> list[dict]:
    today = hub.today()
    with hub.reading() as repos:
        rows = AppointmentRepository(repos.conn).closures(today, today + timedelta(days=LOOK_AHEAD_DAYS))
    return [{"id": r.id, "day": r.day.isoformat(),
             "start": r.slot_start.astimezone(hub.tz).isoformat() if r.slot_start else None,
             "reason": r.reason, "closed_by": r.closed_by,
             "closed_at": r.closed_at.astimezone(hub.tz).isoformat()}
            for r in sorted(rows, key=lambda r: (r.day, r.id))]


def list_blocks(hub: Hub) -> list[dict]:
    with hub.reading() as repos:
        rows = AppointmentRepository(repos.conn).blocks(hub.today())
    return [{"id": r.id, "since": r.since.astimezone(hub.tz).isoformat(),
             "until": r.until.isoformat()} for r in rows]


def lift_block(hub: Hub, actor: Actor, block_id: int) -> dict:
    with hub.uow() as uow:
        if not AppointmentRepository(uow.conn).lift(block_id, str(actor), hub.now()):
            raise NotFoundError("no active block with this id", code="block_not_found")
        uow.commit()
    log.info("%s lifted booking block %d", actor, block_id)
    return {"id": block_id, "lifted": True}
