"""Issuing tickets and looking them up."""

from datetime import date

from flask import jsonify, request

from server.services import tickets
from server.services.errors import BadRequestError

from . import bp
from .parsing import field, hub, json_body, kiosk_or_staff, staff


@bp.post("/tickets")
def issue_ticket():
    actor, device_id = kiosk_or_staff()
    data = json_body()
    matter_id = field(data, "matter_id")
    key = field(data, "idempotency_key", required=False, max_length=128)
    reason = field(data, "priority_reason", required=False, max_length=32)
    ticket, created = tickets.issue_ticket(
        hub(), matter_id=matter_id, actor=actor, priority=data.get("priority", 0),
        priority_reason=reason, idempotency_key=key, device_id=device_id,
    )
    return jsonify(ticket), 201 if created else 200


@bp.get("/tickets/<token>")
def get_ticket(token: str):
    return jsonify(tickets.get_ticket(hub(), token))


@bp.get("/tickets/<token>/history")
def ticket_history(token: str):
    """Every event of one ticket, for managers and supervisors."""
    staff("manager", "supervisor", "admin")
    return jsonify(tickets.ticket_history(hub(), token))


@bp.get("/tickets/lookup")
def ticket_lookup():
    """A ticket's history by its number and service day (``?number=B007&date=2026-03-02``),
    for supervisors who have the visitor's paper ticket but not its token."""
    staff("manager", "supervisor", "admin")
    number = request.args.get("number", "")
    if not number.strip():
        raise BadRequestError("give the ticket number: ?number=B007", code="missing_field",
                              field="number")
    raw = request.args.get("date")
    try:
        day = date.fromisoformat(raw) if raw else None
    except ValueError:
        raise BadRequestError("date must be YYYY-MM-DD", code="invalid_date") from None
    return jsonify(tickets.ticket_history(hub(), number=number, day=day))
