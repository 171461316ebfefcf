"""The webhook outbox: rows written in the change's own transaction, claimed by one hub.

Services write rows through ``uow.outbox``: ``add`` for any change (one line per kind of
object: ``uow.outbox.add(appointment.device_id, "appointment.changed", f"appointment:{id}",
data, now)``), while ticket changes are picked up by themselves: the unit of work notes
the tickets its events touch and, at commit, ``flush`` writes one ``ticket.changed`` row
per ticket that a partner issued (``tickets.device_id``; a checked-in appointment's ticket
reaches its booking partner once ``flush`` also joins the appointment's ``device_id``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, bindparam, cast, exists, insert, or_, select, update
from sqlalchemy.engine import Connection

from ..tables import outbox, outbox_attempts, partners, tickets

TICKET_CHANGED = "ticket.changed"
PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"
_TICKET_FIELDS = ("id", "token", "number", "status", "matter_id", "queue_id", "priority", "issued_at",
                  "window_id", "called_at", "finished_at", "outcome")


# The tickets of a change that a partner issued: run at every commit that touched a ticket.
_PARTNER_TICKETS = (
    select(tickets, partners.c.device_id.label("partner_id"))
    .join(partners, cast(partners.c.device_id, String) == tickets.c.device_id)
    .where(tickets.c.id.in_(bindparam("ticket_ids", expanding=True)), partners.c.webhook_url.is_not(None))
)
_INSERT = insert(outbox)


@dataclass(frozen=True)
class OutboxRow:
    id: int
    event_id: str
    partner_id: int
    type: str
    object_key: str
    data: dict
    created_at: datetime
    attempts: int
    retry_from: datetime | None


def _iso(value):
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value


def ticket_payload(row) -> dict:
    """A ticket as a webhook carries it: the contract's ticket without the live estimate
    (``ahead``, ``estimated_wait_s``: ask ``GET /tickets/<token>``), times in UTC."""
    m = row._mapping
    data = {name: _iso(m[name]) for name in _TICKET_FIELDS}
    data["status_url"] = f"/t/{m['token']}"
    return data


class Outbox:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._ticket_changes: dict[int, list[str]] = {}
        self._ticket_at: datetime | None = None
        self._unfollowed: set[int] = set()
        self.written = 0  # rows written in this unit of work

    # --- writing, inside the change's transaction -------------------------------------------
    def add(self, partner, type: str, object_key: str, data: dict, at: datetime) -> str | None:
        """A webhook for ``partner`` (a device id, as an int or as the string kept in a
        ``device_id`` column, or None): written when it is a partner with a webhook URL,
        else nothing. Returns the event id or None. Give an object's webhooks one
        ``object_key`` (a rating of a ticket: ``ticket:<id>``) to keep them in order."""
        if partner is None or not str(partner).isdigit():
            return None
        partner_id = int(partner)
        url = self.conn.execute(select(partners.c.webhook_url)
                                .where(partners.c.device_id == partner_id)).scalar_one_or_none()
        if not url:
            return None
        return self._insert(partner_id, type, object_key, data, at)

    def _insert(self, partner_id: int, type: str, object_key: str, data: dict, at: datetime) -> str:
        event_id = "evt_" + uuid.uuid4().hex
        self.conn.execute(_INSERT, {
            "event_id": event_id, "partner_id": partner_id, "type": type, "object_key": object_key,
            "data": data, "created_at": at, "status": PENDING, "attempts": 0, "next_at": at})
        self.written += 1
        return event_id

    def unfollowed(self, ticket_id: int) -> None:
        """No partner follows this ticket (a walk-in's, issued at a kiosk or by staff):
        its changes in this unit of work need no look for a partner at commit."""
        self._unfollowed.add(ticket_id)

    def note_events(self, events) -> None:
        """Called by the event log for every event it appends in this unit of work."""
        for event in events:
            if event.ticket_id is not None and event.ticket_id not in self._unfollowed:
                self._ticket_changes.setdefault(event.ticket_id, []).append(event.kind)
                self._ticket_at = event.at

    def flush(self) -> None:
        """Before the commit: one ``ticket.changed`` row per partner ticket changed."""
        if not self._ticket_changes:
            return
        changes, self._ticket_changes = self._ticket_changes, {}
        rows = self.conn.execute(_PARTNER_TICKETS, {"ticket_ids": list(changes)}).all()
        for row in rows:
            data = {"ticket": ticket_payload(row), "changes": changes[row.id]}
            self._insert(row.partner_id, TICKET_CHANGED, f"ticket:{row.id}", data, self._ticket_at)

    # --- delivering ------------------------------------------------------------------------
    def claim(self, now: datetime, hub_name: str, lease_s: float, limit: int) -> list[OutboxRow]:
        """Due rows, each the oldest pending one of its (partner, object), leased to this hub
        for ``lease_s``: no other hub takes them meanwhile (``SKIP LOCKED`` on PostgreSQL;
        SQLite has one writer). A hub that dies leaves its lease to run out."""
        earlier = outbox.alias("earlier")
        query = (
            select(outbox.c.id)
            .where(outbox.c.status == PENDING, outbox.c.next_at <= now,
                   or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now),
                   ~exists().where(earlier.c.partner_id == outbox.c.partner_id,
                                   earlier.c.object_key == outbox.c.object_key,
                                   earlier.c.status == PENDING, earlier.c.id < outbox.c.id))
            .order_by(outbox.c.id)
            .limit(limit)
        )
        if self.conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=outbox)
        ids = list(self.conn.execute(query).scalars())
        if not ids:
            return []
        self.conn.execute(update(outbox).where(outbox.c.id.in_(ids)).values(
            claimed_by=hub_name, claimed_until=now + timedelta(seconds=lease_s)))
        rows = self.conn.execute(
            select(outbox.c.id, outbox.c.event_id, outbox.c.partner_id, outbox.c.type,
                   outbox.c.object_key, outbox.c.data, outbox.c.created_at, outbox.c.attempts,
                   outbox.c.retry_from)
            .where(outbox.c.id.in_(ids)).order_by(outbox.c.id)
        ).all()
        return [OutboxRow(*row) for row in rows]

    def attempted(self, row_id: int, at: datetime, hub_name: str, http_status: int | None,
                  error: str | None, duration_ms: int) -> None:
        self.conn.execute(insert(outbox_attempts).values(
            outbox_id=row_id, at=at, hub=hub_name, http_status=http_status,
            error=(error or None) and error[:500], duration_ms=duration_ms))

    def delivered(self, row_id: int, at: datetime) -> None:
        self.conn.execute(update(outbox).where(outbox.c.id == row_id).values(
            status=DELIVERED, delivered_at=at, attempts=outbox.c.attempts + 1, claimed_until=None,
            last_error=None))

    def failed(self, row_id: int, error: str, next_at: datetime | None) -> None:
        """Try again at ``next_at``, or give up (``dead``) when it is None."""
        values = {"attempts": outbox.c.attempts + 1, "claimed_until": None, "last_error": error[:500]}
        values.update({"next_at": next_at} if next_at is not None else {"status": DEAD})
        self.conn.execute(update(outbox).where(outbox.c.id == row_id).values(**values))

    def hurry(self, partner_id: int, now: datetime, not_since: datetime) -> int:
        """The partner answered again: its rows waiting out a backoff are due now. A row is
        hurried at most once per ``not_since`` window, so one the partner always refuses
        cannot ride along every success."""
        return self.conn.execute(
            update(outbox).where(outbox.c.partner_id == partner_id, outbox.c.status == PENDING,
                                 outbox.c.next_at > now,
                                 or_(outbox.c.hurried_at.is_(None), outbox.c.hurried_at < not_since))
            .values(next_at=now, hurried_at=now)
        ).rowcount

    def resend(self, partner_id: int, event_id: str, now: datetime) -> bool:
        """A dead row goes back to pending, its retries counted from now."""
        return bool(self.conn.execute(
            update(outbox).where(outbox.c.partner_id == partner_id, outbox.c.event_id == event_id,
                                 outbox.c.status == DEAD)
            .values(status=PENDING, next_at=now, retry_from=now, claimed_until=None)
        ).rowcount)

    # --- reading ---------------------------------------------------------------------------
    def of_partner(self, partner_id: int, status: str | None = None, limit: int = 200) -> list[dict]:
        query = select(outbox).where(outbox.c.partner_id == partner_id)
        if status:
            query = query.where(outbox.c.status == status)
        rows = [dict(r._mapping) for r in self.conn.execute(query.order_by(outbox.c.id.desc()).limit(limit))]
        attempts: dict[int, list[dict]] = {}
        if rows:
            for a in self.conn.execute(select(outbox_attempts)
                                       .where(outbox_attempts.c.outbox_id.in_([r["id"] for r in rows]))
                                       .order_by(outbox_attempts.c.id)):
                attempts.setdefault(a.outbox_id, []).append(dict(a._mapping))
        for row in rows:
            row["attempt_rows"] = attempts.get(row["id"], [])
        return rows
