"""The monthly review per unit (``GET /supervision/review?month=YYYY-MM``): findings by
kind, bad ratings, overdue rectifications and cases: the base of the annual-review
deductions. Findings count by the local day their threshold was crossed; ratings by
the rated ticket's service day; rectifications by their due date.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from server.queueing.ratings import LEVELS
from server.queueing.supervision import KINDS

from ..errors import BadRequestError
from ..hub import Hub

MONTH = re.compile(r"^([12]\d{3})-(0[1-9]|1[0-2])$")
BAD_LEVELS = tuple(level for level in LEVELS if level <= 2)


def month_range(text: str | None, today: date) -> tuple[date, date]:
    if text is None:
        first = today.replace(day=1)
    else:
        found = MONTH.match(text)
        if not found:
            raise BadRequestError("month must be YYYY-MM", code="invalid_field", field="month")
        first = date(int(found[1]), int(found[2]), 1)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following - timedelta(days=1)


def _empty() -> dict:
    return {"findings": dict.fromkeys(KINDS, 0), "findings_total": 0, "bad_ratings": 0,
            "overdue_rectifications": 0, "overdue_cases": 0, "rectification_ids": []}


def review(hub: Hub, month: str | None) -> dict:
    first, last = month_range(month, hub.today())
    start = datetime.combine(first, time(0), hub.tz)
    end = datetime.combine(last + timedelta(days=1), time(0), hub.tz)
    units: dict = defaultdict(_empty)
    with hub.reading() as repos:
        for unit_id, kind, count in repos.supervision.counts("unit_id", first, last):
            row = units[unit_id]
            row["findings"][kind] = row["findings"].get(kind, 0) + count
            row["findings_total"] += count
            if kind == "case_overdue":
                row["overdue_cases"] += count
        for unit_id, level, count in repos.ratings.level_counts("unit_id", first, last):
            if level in BAD_LEVELS:
                units[unit_id]["bad_ratings"] += count
        for item in repos.supervision.overdue_rectifications(start, end, hub.now()):
            units[item["unit_id"]]["overdue_rectifications"] += 1
            units[item["unit_id"]]["rectification_ids"].append(item["id"])
    center = hub.center
    order = [u for u in center.units if u in units] + sorted(
        (u for u in units if u not in center.units), key=lambda u: (u is None, u or ""))
    rows = []
    for unit_id in order:
        unit = center.units.get(unit_id)
        rows.append({"unit_id": unit_id, "name": unit.name if unit else None, **units[unit_id]})
    total = _empty()
    for row in rows:
        for kind, count in row["findings"].items():
            total["findings"][kind] = total["findings"].get(kind, 0) + count
        for key in ("findings_total", "bad_ratings", "overdue_rectifications", "overdue_cases"):
            total[key] += row[key]
    total.pop("rectification_ids")
    return {"month": first.strftime("%Y-%m"), "from": first.isoformat(), "to": last.isoformat(),
            "units": rows, "total": total}
