"""Building core objects for unit tests: plain values, fixed times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from server.queueing.actors import Actor
from server.queueing.tickets import Ticket

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Asia/Shanghai
CLERK = Actor("user", "7", "张三", "clerk")


def make_ticket(id: int = 1, *, queue_id: str = "police", priority: int = 0,
                issued_after_s: float = 0, **fields) -> Ticket:
    values = dict(
        id=id, token=f"tok{id:020d}", number=f"B{id:03d}", service_day=date(2026, 3, 2),
        prefix="B", sequence=id, matter_id="hukou-move-in", queue_id=queue_id, unit_id="police",
        issued_at=T0 + timedelta(seconds=issued_after_s), priority=priority,
    )
    values.update(fields)
    return Ticket(**values)
