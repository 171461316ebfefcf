"""What visitors come for most: the kiosk's first screen leads with these matters.

Counted from the tickets of the recent weeks (the hub's own statistics, nothing kept
apart); a hall with no history yet shows the first matter of each department that has
an everyday name, in the center file's order.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from server.db.tables import tickets as t

from ..hub import Hub

RECENT_DAYS = 28
SHOWN = 8


def popular_matters(hub: Hub, limit: int = SHOWN) -> list[str]:
    """Ids of the most issued matters of the last ``RECENT_DAYS`` days, most first."""
    since = hub.today() - timedelta(days=RECENT_DAYS)
    count = func.count().label("n")
    with hub.reading() as repos:
        rows = repos.tickets.conn.execute(
            select(t.c.matter_id, count).where(t.c.service_day >= since)
            .group_by(t.c.matter_id).order_by(count.desc(), t.c.matter_id).limit(limit * 2)
        ).all()
    center = hub.center
    found = [matter_id for matter_id, _ in rows if matter_id in center.matters][:limit]
    if len(found) < limit:
        seen_units = {center.matters[m].unit_id for m in found}
        for matter in center.matters.values():
            unit = center.units[matter.unit_id]
            if len(found) >= limit:
                break
            if unit.short_name and unit.id not in seen_units and matter.id not in found:
                seen_units.add(unit.id)
                found.append(matter.id)
    return found
