"""Check-in at the kiosk (预约取号): the booking code, or the ID number, gives a ticket in
the appointment's queue that carries its slot (``slot_start``), so that the calling
policy calls it after priority tickets and before the walk-ins once the slot has begun.

Check-in opens ``check_in_early_minutes`` before the slot and closes ``late_minutes``
after its end. A retried check-in gives the same ticket (the idempotency key is the
appointment's), so a kiosk that lost the answer never makes two. The ticket and the
appointment's move to ``checked_in`` are one transaction, with the webhooks of both when a
partner booked it (the appointment's first, then the ticket's, in one order).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from server.db.repositories.appointments import AppointmentRepository
from server.queueing.booking_errors import (
    AppointmentMissedError,
    AppointmentNotFoundError,
    TooEarlyError,
)
from server.queueing.errors import MissingFieldError
from server.queueing.identity import check_id_number, id_hash

from ..hub import Hub
from ..issuing import tickets
from .appointments import secret, tell_partner
from .ticket_link import appointment_brief

log = logging.getLogger(__name__)


def _find(hub: Hub, repo: AppointmentRepository, code: str | None, id_number: str | None):
    if code:
        row = repo.get(code=code.strip())
        if row is None:
            raise AppointmentNotFoundError("no appointment with this code")
        return row
    if not id_number:
        raise MissingFieldError("give the booking code or the ID number", field="code")
    person = id_hash(check_id_number(id_number), secret(hub))
    row = repo.active_on(person, hub.today())
    if row is None:
        raise AppointmentNotFoundError("no appointment today for this ID number")
    return row


def check_in(hub: Hub, actor, *, code: str | None = None, id_number: str | None = None,
             device_id: str | None = None) -> tuple[dict, bool]:
    """The ticket of the appointment, and whether it was issued now."""
    rules = hub.center.rules.appointments
    now = hub.now()
    with hub.reading() as repos:
        row = _find(hub, AppointmentRepository(repos.conn), code, id_number)
    if row.status == "cancelled":
        raise AppointmentNotFoundError(f"this appointment was cancelled: {row.cancel_reason}"
                                       if row.cancel_reason else "this appointment was cancelled")
    late = row.slot_end + timedelta(minutes=rules.late_minutes)
    if row.status == "missed" or (row.status == "booked" and now > late):
        raise AppointmentMissedError(
            f"the slot ended at {row.slot_end.astimezone(hub.tz):%H:%M} on "
            f"{row.service_day.isoformat()}: please take an ordinary ticket",
            slot_end=row.slot_end.astimezone(hub.tz).isoformat())
    opens = row.slot_start - timedelta(minutes=rules.check_in_early_minutes)
    if now < opens:
        raise TooEarlyError(f"check-in opens at {opens.astimezone(hub.tz):%H:%M} on "
                            f"{row.service_day.isoformat()}", opens=opens.astimezone(hub.tz).isoformat())

    def checked_in(uow, ticket):
        """In the ticket's transaction: the appointment is checked in with it, or nothing is."""
        repo = AppointmentRepository(uow.conn)
        if not repo.move(row.id, "booked", status="checked_in", checked_in_at=now, ticket_id=ticket.id):
            current = repo.get(id=row.id)  # cancelled or missed since it was read
            if current is not None and current.status == "missed":
                raise AppointmentMissedError("this appointment was marked missed: please take an "
                                             "ordinary ticket")
            raise AppointmentNotFoundError("this appointment was cancelled")
        tell_partner(hub, uow, repo.get(id=row.id), "checked_in", now)
        return ()

    ticket, created = tickets.issue_ticket(
        hub, matter_id=row.matter_id, actor=actor, idempotency_key=f"appointment-{row.id}",
        device_id=device_id, slot_start=row.slot_start, then=checked_in)
    if created:
        log.info("appointment %s checked in: ticket %s", row.code, ticket["number"])
    return {**ticket, "appointment": appointment_brief(hub, row)}, created
