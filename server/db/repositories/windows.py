"""Reading and writing window states."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection, Row

from server.queueing.windows import WindowState, WindowStatus

from ..prepared import Prepared
from ..tables import tickets as t
from ..tables import window_states as w
from .tickets import at_window_status, ticket_of


def _row_to_state(row: Row) -> WindowState:
    m = row._mapping
    return WindowState(
        window_id=m["window_id"],
        status=WindowStatus(m["status"]),
        clerk_id=m["clerk_id"],
        clerk_name=m["clerk_name"],
        paused_reason=m["paused_reason"],
        since=m["since"],
        clerk_post=m["clerk_post"],
    )


# Run on every clerk's action: built once. The SET clause of ``_SAVE`` is the columns
# given in the parameters.
_GET = select(w).where(w.c.window_id == bindparam("window_id"))
_GET_LOCKED = _GET.with_for_update()
_SAVE = update(w).where(w.c.window_id == bindparam("the_window"))


class WindowRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.is_postgres = conn.dialect.name == "postgresql"

    def ensure(self, window_ids: Iterable[str]) -> int:
        """Create a closed state row for every window that has none; return how many."""
        known = set(self.conn.execute(select(w.c.window_id)).scalars())
        missing = [{"window_id": i, "status": WindowStatus.CLOSED.value} for i in window_ids
                   if i not in known]
        if missing:
            self.conn.execute(insert(w), missing)
        return len(missing)

    def get(self, window_id: str, *, lock: bool = False) -> WindowState | None:
        """The window's state; ``lock`` takes its row lock on PostgreSQL for the transaction."""
        stmt = _GET_LOCKED if lock and self.is_postgres else _GET
        row = self.conn.execute(stmt, {"window_id": window_id}).first()
        return _row_to_state(row) if row else None

    def all(self) -> dict[str, WindowState]:
        return {s.window_id: s for s in map(_row_to_state, self.conn.execute(select(w)))}

    def save(self, state: WindowState) -> None:
        self.conn.execute(_SAVE, {
            "the_window": state.window_id, "status": state.status.value, "clerk_id": state.clerk_id,
            "clerk_name": state.clerk_name, "paused_reason": state.paused_reason, "since": state.since,
            "clerk_post": state.clerk_post})

    def held_by(self, clerk_id: int) -> list[WindowState]:
        rows = self.conn.execute(select(w).where(w.c.clerk_id == clerk_id))
        return [_row_to_state(r) for r in rows]


# --- the counter's actions: the window and its current ticket in one statement ----------
def _with_current():
    """The window's state row with the ticket now called to or served at it (the newest
    called, as ``TicketRepository.at_window`` picks it), or NULLs: one statement instead
    of two on every clerk's action. The window's columns are labelled ``w_<name>``."""
    current = (select(t.c.id).where(t.c.window_id == bindparam("window_id"), at_window_status())
               .order_by(t.c.called_at.desc()).limit(1).scalar_subquery())
    return (select(*[c.label(f"w_{c.name}") for c in w.c], *t.c)
            .select_from(w.outerjoin(t, t.c.id == current))
            .where(w.c.window_id == bindparam("window_id")))


# Run on the driver's cursor (``db/prepared.py``): 32 columns, without psycopg's description.
_WITH_CURRENT = Prepared(_with_current())
_WITH_CURRENT_LOCKED = Prepared(_with_current().with_for_update(of=w))


def _window_of(m) -> WindowState:
    return WindowState(window_id=m["w_window_id"], status=WindowStatus(m["w_status"]),
                       clerk_id=m["w_clerk_id"], clerk_name=m["w_clerk_name"],
                       paused_reason=m["w_paused_reason"], since=m["w_since"],
                       clerk_post=m["w_clerk_post"])


def with_current(conn: Connection, window_id: str, *, lock: bool = False):
    """(the window's state or None, its current ticket or None) in one statement; ``lock``
    takes the window's row lock on PostgreSQL. Under a lock that had to wait, the ticket
    is as of the statement's start (PostgreSQL's READ COMMITTED): callers that decide on
    it re-check in their change or read it again."""
    stmt = _WITH_CURRENT_LOCKED if lock and conn.dialect.name == "postgresql" else _WITH_CURRENT
    rows = stmt.fetch_dicts(conn, {"window_id": window_id})
    if not rows:
        return None, None
    (m,) = rows
    return _window_of(m), (ticket_of(m) if m["id"] is not None else None)
