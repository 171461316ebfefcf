"""Cases (办件) and their numbering counter, mapped to ``queueing.cases.Case``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Row

from server.queueing.cases import Case, CaseResult, CaseStatus

from ..tables import case_counters as cc
from ..tables import cases as c
from ..tables import tickets as t

_IN_PROGRESS = CaseStatus.IN_PROGRESS.value


def _upsert(dialect_insert):
    stmt = dialect_insert(cc).values(year=bindparam("year"), unit_id=bindparam("unit_id"),
                                     last_number=1)
    return stmt.on_conflict_do_update(
        index_elements=[cc.c.year, cc.c.unit_id],
        set_={"last_number": cc.c.last_number + 1},
    ).returning(cc.c.last_number)


_UPSERTS = {"postgresql": _upsert(postgresql.insert), "sqlite": _upsert(sqlite.insert)}


class ConcurrentCaseError(Exception):
    """The case's row changed status between read and write (another hub moved it)."""


def row_to_case(row: Row) -> Case:
    m = row._mapping
    return Case(
        id=m["id"], case_no=m["case_no"], status=CaseStatus(m["status"]),
        ticket_id=m["ticket_id"], number=m["number"], matter_id=m["matter_id"],
        unit_id=m["unit_id"], accepted_at=m["accepted_at"], due_at=m["due_at"],
        decided_at=m["decided_at"], result=CaseResult(m["result"]) if m["result"] else None,
        note=m["note"], picked_up_at=m["picked_up_at"], pickup_ticket_id=m["pickup_ticket_id"],
    )


_OF_PICKUP = select(c).where(c.c.pickup_ticket_id == bindparam("ticket_id"))
_OF_PICKUP_LOCKED = _OF_PICKUP.with_for_update()


class CaseRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def next_sequence(self, year: int, unit_id: str) -> int:
        """Advance the (year, unit) counter in one ``INSERT ... ON CONFLICT DO UPDATE ...
        RETURNING``: two hubs never draw the same sequence; ``case_no`` is unique anyway."""
        upsert = _UPSERTS[self.conn.dialect.name]
        return self.conn.execute(upsert, {"year": year, "unit_id": unit_id}).scalar_one()

    def add(self, case: Case, year: int) -> Case:
        case.id = self.conn.execute(insert(c).values(
            case_no=case.case_no, year=year, status=case.status.value, ticket_id=case.ticket_id,
            number=case.number, matter_id=case.matter_id, unit_id=case.unit_id,
            accepted_at=case.accepted_at, due_at=case.due_at,
        ).returning(c.c.id)).scalar_one()
        return case

    def save(self, case: Case, expected: CaseStatus, *, decided_by: int | None = None) -> None:
        """Write a move, only if nobody moved the case since it was read."""
        values = {"status": case.status.value, "decided_at": case.decided_at,
                  "result": case.result.value if case.result else None, "note": case.note,
                  "picked_up_at": case.picked_up_at, "pickup_ticket_id": case.pickup_ticket_id}
        if decided_by is not None:
            values["decided_by"] = decided_by
        done = self.conn.execute(update(c).where(c.c.id == case.id, c.c.status == expected.value)
                                 .values(**values))
        if done.rowcount != 1:
            raise ConcurrentCaseError(case.case_no)

    def _one(self, where, *, lock: bool = False) -> Case | None:
        query = select(c).where(where)
        if lock and self.conn.dialect.name == "postgresql":
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return row_to_case(row) if row else None

    def by_case_no(self, case_no: str, *, lock: bool = False) -> Case | None:
        return self._one(c.c.case_no == case_no, lock=lock)

    def of_ticket(self, ticket_id: int) -> Case | None:
        """The case the ticket opened (accepted) or collects (pickup)."""
        return self._one((c.c.ticket_id == ticket_id) | (c.c.pickup_ticket_id == ticket_id))

    def of_pickup_ticket(self, ticket_id: int, *, lock: bool = False) -> Case | None:
        """Run on every finish (``pickup.after_finish``): the statement is built once."""
        query = _OF_PICKUP_LOCKED if lock and self.conn.dialect.name == "postgresql" else _OF_PICKUP
        row = self.conn.execute(query, {"ticket_id": ticket_id}).first()
        return row_to_case(row) if row else None

    def token_of(self, ticket_id: int) -> str | None:
        return self.conn.execute(select(t.c.token).where(t.c.id == ticket_id)).scalar()

    def tokens(self, ticket_ids: Sequence[int]) -> dict[int, str]:
        if not ticket_ids:
            return {}
        rows = self.conn.execute(select(t.c.id, t.c.token).where(t.c.id.in_(list(ticket_ids))))
        return {ticket_id: token for ticket_id, token in rows}

    def listing(self, *, status: str | None = None, unit_id: str | None = None,
                overdue_at: datetime | None = None, limit: int = 500) -> list[Case]:
        """Cases by due date, soonest first."""
        query = select(c)
        if status is not None:
            query = query.where(c.c.status == status)
        if unit_id is not None:
            query = query.where(c.c.unit_id == unit_id)
        if overdue_at is not None:
            query = query.where(c.c.status == _IN_PROGRESS, c.c.due_at < overdue_at)
        rows = self.conn.execute(query.order_by(c.c.due_at, c.c.id).limit(limit))
        return [row_to_case(row) for row in rows]

    def overdue_open(self, now: datetime, limit: int = 1000) -> list[Case]:
        """Cases still in progress past their due date, the most overdue first: what the
        supervision rule ``case_overdue`` watches."""
        return self.listing(overdue_at=now, limit=limit)

    def supervision_due(self, now: datetime, since: datetime, limit: int = 5000) -> list:
        """The cases the rule ``case_overdue`` looks at: due between ``since`` and ``now``,
        and those due earlier still undecided; with the accepting window and clerk."""
        from server.queueing.supervision import Due

        rows = self.conn.execute(
            select(c.c.case_no, c.c.due_at, c.c.decided_at, c.c.unit_id, c.c.number,
                   t.c.window_id, t.c.clerk_id)
            .select_from(c.join(t, t.c.id == c.c.ticket_id))
            .where(c.c.due_at <= now, or_(c.c.due_at >= since, c.c.decided_at.is_(None)))
            .order_by(c.c.due_at)
            .limit(limit)
        )
        return [Due(ident=row.case_no, due_at=row.due_at, finished_at=row.decided_at,
                    unit_id=row.unit_id, user_id=row.clerk_id, window_id=row.window_id,
                    ticket_number=row.number) for row in rows]

    def of_year(self, year: int) -> list[Case]:
        """Every case accepted in ``year`` (the year-end clearance)."""
        return [row_to_case(row) for row in self.conn.execute(
            select(c).where(c.c.year == year).order_by(c.c.due_at, c.c.id))]

    def count_open(self, unit_id: str | None = None) -> int:
        query = select(func.count()).select_from(c).where(c.c.status == _IN_PROGRESS)
        if unit_id is not None:
            query = query.where(c.c.unit_id == unit_id)
        return self.conn.execute(query).scalar_one()
