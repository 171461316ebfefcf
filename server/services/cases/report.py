"""The year-end clearance (清零): every case accepted in a year, by unit, and the open ones.

``opened``: accepted in the year; ``decided``: decided or collected since;
``decided_on_time``: of those, decided by their due date (``decided_late`` the rest);
``open``: still in progress; ``overdue_open``: of those, past their due date.
"""

from __future__ import annotations

from server.queueing.cases import Case, CaseStatus

from ..hub import Hub
from .cases import case_view

OPEN_LIST_LIMIT = 1000


def _tally(cases: list[Case], now) -> dict:
    decided = [c for c in cases if c.decided_at is not None]
    on_time = sum(1 for c in decided if c.decided_on_time())
    still_open = [c for c in cases if c.status is CaseStatus.IN_PROGRESS]
    return {"opened": len(cases), "decided": len(decided), "decided_on_time": on_time,
            "decided_late": len(decided) - on_time, "open": len(still_open),
            "overdue_open": sum(1 for c in still_open if c.overdue(now)),
            "picked_up": sum(1 for c in cases if c.status is CaseStatus.PICKED_UP)}


def year_report(hub: Hub, year: int) -> dict:
    now = hub.now()
    with hub.reading() as repos:
        cases = repos.cases.of_year(year)
        still_open = [c for c in cases if c.status is CaseStatus.IN_PROGRESS][:OPEN_LIST_LIMIT]
        tokens = repos.cases.tokens([c.ticket_id for c in still_open])
    by_unit: dict[str, list[Case]] = {}
    for case in cases:
        by_unit.setdefault(case.unit_id, []).append(case)
    rows = []
    for unit_id in sorted(by_unit, key=lambda u: (-len(by_unit[u]), u)):
        unit = hub.center.units.get(unit_id)
        rows.append({"unit_id": unit_id, "name": unit.name if unit else unit_id,
                     **_tally(by_unit[unit_id], now)})
    return {"year": year, **_tally(cases, now), "by_unit": rows,
            "open_cases": [case_view(hub, c, tokens.get(c.ticket_id), now) for c in still_open]}
