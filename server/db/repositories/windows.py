"""Reading and writing window states."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection, Row

from server.queueing.windows import WindowState, WindowStatus

from ..tables import window_states as w


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
