"""The webhook outbox: rows written in the change's own transaction, claimed by one hub.

Services write rows through ``uow.outbox``: ``add`` for any change (one line per kind of
object: ``uow.outbox.add(appointment.device_id, "appointment.changed", f"appointment:{id}",
data, now)``), while ticket changes are picked up by themselves: the unit of work notes
the tickets its events touch and, at commit, ``flush`` writes one ``ticket.changed`` row
per ticket that a partner owns: it issued the ticket (``tickets.device_id``) or booked the
appointment the ticket was checked in for (``appointments.device_id``).

Order is kept per ``object_key``. A booking and everything that follows from it are one
object: the appointment's own rows, the rows of the ticket it was checked in for and that
ticket's rating all use ``appointment:<id>``; a remote ticket and its rating use
``ticket:<id>`` (``ticket_owners`` finds the key and the partner of a ticket).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, bindparam, cast, exists, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from ..appointment_tables import appointments
from ..tables import outbox, outbox_attempts, partners, tickets

TICKET_CHANGED = "ticket.changed"
APPOINTMENT_CHANGED = "appointment.changed"
RATING_CREATED = "rating.created"
# Events of a ticket told by a webhook of their own, not as a ticket.changed: a rating
# (rating.created, written by the rating's use case) leaves the ticket's payload unchanged.
TOLD_APART = frozenset({"ticket_rated"})
PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"
_TICKET_FIELDS = ("id", "token", "number", "status", "matter_id", "queue_id", "priority", "issued_at",
                  "window_id", "called_at", "finished_at", "outcome")


# The tickets among :ticket_ids a partner with a webhook URL owns (run at every commit that
# touched a ticket someone may follow): a checked-in ticket belongs to the partner that
# booked its appointment, a remote ticket to the partner that issued it.
_OWNER = func.coalesce(appointments.c.device_id, tickets.c.device_id)
_OBJECT_KEY = func.coalesce("appointment:" + cast(appointments.c.id, String),
                            "ticket:" + cast(tickets.c.id, String))
_PARTNER_TICKETS = (
    select(tickets, partners.c.device_id.label("partner_id"), _OBJECT_KEY.label("object_key"))
    .select_from(tickets.outerjoin(appointments, appointments.c.ticket_id == tickets.c.id))
    .join(partners, cast(partners.c.device_id, String) == _OWNER)
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
            if (event.ticket_id is not None and event.kind not in TOLD_APART
                    and event.ticket_id not in self._unfollowed):
                self._ticket_changes.setdefault(event.ticket_id, []).append(event.kind)
                self._ticket_at = event.at

    def ticket_owners(self, ticket_ids) -> list:
        """The tickets among ``ticket_ids`` that a partner with a webhook URL owns: each
        row a ticket's columns with ``partner_id`` and ``object_key``. A checked-in
        ticket belongs to the partner that booked its appointment, a remote ticket to the
        partner that issued it."""
        return self.conn.execute(_PARTNER_TICKETS, {"ticket_ids": list(ticket_ids)}).all()

    def add_for_ticket(self, ticket_id: int, type: str, data, at: datetime) -> str | None:
        """A webhook about a ticket (its rating) for the ticket's partner, in the ticket's
        order; nothing when no partner owns the ticket. ``data``: the payload, or a
        function that makes it (called only when there is a partner to tell)."""
        for row in self.ticket_owners([ticket_id]):
            return self._insert(row.partner_id, type, row.object_key, data() if callable(data) else data, at)
        return None

    def flush(self) -> None:
        """Before the commit: one ``ticket.changed`` row per partner ticket changed."""
        if not self._ticket_changes:
            return
        changes, self._ticket_changes = self._ticket_changes, {}
        for row in self.ticket_owners(changes):
            data = {"ticket": ticket_payload(row), "changes": changes[row.id]}
            self._insert(row.partner_id, TICKET_CHANGED, row.object_key, data, self._ticket_at)

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
    def counts(self) -> dict[int, dict[str, int]]:
        """partner id → {status: rows}, and the oldest pending row's time as ``oldest_pending``."""
        found: dict[int, dict] = {}
        query = (select(outbox.c.partner_id, outbox.c.status, func.count(), func.min(outbox.c.created_at))
                 .group_by(outbox.c.partner_id, outbox.c.status))
        for partner_id, status, rows, oldest in self.conn.execute(query):
            entry = found.setdefault(partner_id, {PENDING: 0, DELIVERED: 0, DEAD: 0, "oldest_pending": None})
            entry[status] = rows
            if status == PENDING:
                entry["oldest_pending"] = oldest
        return found

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
