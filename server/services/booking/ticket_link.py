"""A ticket's appointment, for the ticket's JSON (``appointment: {code, start, end}``);
imported by ``services/views.py``, so it imports nothing of the services."""

from __future__ import annotations

from server.db.repositories.appointments import AppointmentRepository


def appointment_of_ticket(hub, repos, ticket) -> dict | None:
    """``{code, start, end}`` of the appointment a ticket was checked in for, or null."""
    if ticket.slot_start is None or ticket.id is None or repos is None:
        return None
    row = AppointmentRepository(repos.conn).get(ticket_id=ticket.id)
    if row is None:
        return None
    return appointment_brief(hub, row)


def appointment_brief(hub, row) -> dict:
    return {"code": row.code, "start": row.slot_start.astimezone(hub.tz).isoformat(),
            "end": row.slot_end.astimezone(hub.tz).isoformat()}
