"""The number counter: one row per (service day, prefix), advanced in one statement."""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from ..prepared import Prepared
from ..tables import number_counters as c


def _upsert(dialect_insert):
    stmt = dialect_insert(c).values(service_day=bindparam("day"), prefix=bindparam("prefix"),
                                    last_number=1)
    return stmt.on_conflict_do_update(
        index_elements=[c.c.service_day, c.c.prefix],
        set_={"last_number": c.c.last_number + 1},
    ).returning(c.c.last_number)


# Run on the driver's cursor (``db/prepared.py``): once for every ticket issued.
_UPSERTS = {"postgresql": Prepared(_upsert(postgresql.insert)), "sqlite": Prepared(_upsert(sqlite.insert))}


class NumberCounter:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._upsert = _UPSERTS[conn.dialect.name]

    def next(self, day: date, prefix: str) -> int:
        """Advance the day's counter for ``prefix`` and return the new number.

        ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` is atomic on SQLite 3.35+ and
        PostgreSQL: two hubs never get the same number. The unique constraint on
        tickets (service_day, prefix, sequence) is the safety net behind it.
        """
        return self._upsert.scalar(self.conn, {"day": day, "prefix": prefix})
