"""The number counter: one row per (service day, prefix), advanced in one statement."""

from __future__ import annotations

from datetime import date

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from ..tables import number_counters as c


class NumberCounter:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert

    def next(self, day: date, prefix: str) -> int:
        """Advance the day's counter for ``prefix`` and return the new number.

        ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` is atomic on SQLite 3.35+ and
        PostgreSQL: two hubs never get the same number. The unique constraint on
        tickets (service_day, prefix, sequence) is the safety net behind it.
        """
        stmt = self._insert(c).values(service_day=day, prefix=prefix, last_number=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=[c.c.service_day, c.c.prefix],
            set_={"last_number": c.c.last_number + 1},
        ).returning(c.c.last_number)
        return self.conn.execute(stmt).scalar_one()
