"""Planning next year's windows from the hall's own data.

* ``unit_plan``: the notice's rule. A unit with 100 or more cases a year earns a
  standalone window; fewer goes to a comprehensive window. Volumes come from the
  hub's tickets over the chosen range, scaled to a year when the days with data span
  less than one, plus
  rows imported from a CSV for departments not yet in the hall. Units that moved in
  whole (``whole_unit``) keep their residency whatever the count.
* ``window_plan``: for each queue and hour, the windows Erlang C says are needed for a
  target such as "80 % called within 15 minutes", from the measured arrival rate (per
  working day with tickets) and the measured mean service time.

Below ``MIN_SERVICE_DAYS`` days with tickets or ``MIN_TICKETS`` tickets in the range, both
answers say ``too_little_data`` and give no advice (a day's data would otherwise advise
removing windows from every queue and merging most departments).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date

from server.queueing import erlang

from ..errors import BadRequestError
from ..hub import Hub
from .stats import days_with_tickets, facts_between

STANDALONE_THRESHOLD = 100  # cases a year (北政办〔2019〕2号)
OWN_WINDOW_GROUPS = ("standalone", "county", "enterprise")
MIN_SERVICE_DAYS = 20  # days with tickets below which the hub does not plan
MIN_TICKETS = 500  # tickets in the range below which the hub does not plan


def _data_amount(days: int, tickets: int) -> dict:
    """The fields both plans carry: how much data there was and the minimum to plan on."""
    return {"too_little_data": days < MIN_SERVICE_DAYS or tickets < MIN_TICKETS,
            "service_days": days, "tickets": tickets,
            "min_service_days": MIN_SERVICE_DAYS, "min_tickets": MIN_TICKETS}


def _annual_factor(first: date, last: date) -> float:
    days = (last - first).days + 1
    return 365.0 / days if days < 365 else 1.0


def parse_imported_units(text: str) -> list[dict]:
    """CSV lines ``name,cases[,id]`` (a header line is skipped) → rows for ``unit_plan``."""
    rows = []
    for number, line in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not line or not any(cell.strip() for cell in line):
            continue
        name = line[0].strip()
        try:
            cases = int(float(line[1]))
        except (IndexError, ValueError):
            if number == 1:
                continue  # a header
            raise BadRequestError(f"line {number}: expected name,cases", code="invalid_csv") from None
        if cases < 0:
            raise BadRequestError(f"line {number}: cases must not be negative", code="invalid_csv")
        rows.append({"id": (line[2].strip() if len(line) > 2 and line[2].strip() else None),
                     "name": name, "cases": cases})
    return rows


def _recommend(group: str | None, cases: float) -> tuple[str, str]:
    """(recommended placement, change) for a unit of this group with this yearly volume."""
    if group == "whole_unit":
        return "whole_unit", "keep"
    wanted = "standalone" if cases >= STANDALONE_THRESHOLD else "comprehensive"
    if group is None:
        return wanted, "move_in"
    current = "standalone" if group in OWN_WINDOW_GROUPS else group
    if current == wanted:
        return wanted, "keep"
    return wanted, "to_standalone" if wanted == "standalone" else "to_comprehensive"


def unit_plan(hub: Hub, first: date, last: date, imported: list[dict] | None = None) -> dict:
    counts = Counter(r[0] for r in facts_between(hub, first, last, ("unit_id",), positional=True) if r[0])
    # Scale to a year over the days the hub has data for (a hall opened in March
    # reports March to December, not January to December).
    days = days_with_tickets(hub, first, last)
    factor = _annual_factor(days[0], days[-1]) if days else 1.0
    amount = _data_amount(len(days), sum(counts.values()))
    rows = []
    for unit in hub.center.units.values():
        cases = counts.get(unit.id, 0)
        yearly = round(cases * factor)
        # too little data: the counts are shown, no placement is advised
        placement, change = (None, None) if amount["too_little_data"] else _recommend(unit.group, yearly)
        rows.append({"unit_id": unit.id, "name": unit.name, "group": unit.group, "cases": cases,
                     "yearly_cases": yearly, "recommended": placement, "change": change,
                     "source": "hub"})
    for item in imported or []:
        known = hub.center.units.get(item.get("id") or "")
        placement, change = _recommend(known.group if known else None, item["cases"])
        rows.append({"unit_id": item.get("id"), "name": item["name"], "group": known.group if known else None,
                     "cases": item["cases"], "yearly_cases": item["cases"], "recommended": placement,
                     "change": change, "source": "imported"})
    changes = [r for r in rows if r["change"] not in ("keep", None)]
    return {"from": first.isoformat(), "to": last.isoformat(), "threshold": STANDALONE_THRESHOLD,
            "annual_factor": round(factor, 3), "units": rows, "changes": len(changes), **amount}


def window_plan(hub: Hub, first: date, last: date, *, target_s: int = 900,
                target_share: float = 0.8) -> dict:
    """Windows needed per queue and hour for ``target_share`` called within ``target_s``."""
    if not 0 < target_share < 1:
        raise BadRequestError("target_share must be between 0 and 1", code="invalid_field",
                              field="target_share")
    if not 0 <= target_s <= 4 * 3600:
        raise BadRequestError("target_s must be 0..14400", code="invalid_field", field="target_s")
    rows = facts_between(hub, first, last, ("first_queue_id", "hour", "queue_id", "service_s"), positional=True)
    arrivals = Counter((r[0], r[1]) for r in rows)
    services: dict[str, list[int]] = {}
    for row in rows:
        if row[3]:
            services.setdefault(row[2], []).append(row[3])
    days = len(days_with_tickets(hub, first, last))
    working_days = max(1, days)
    amount = _data_amount(days, len(rows))
    hours = sorted({h for _, h in arrivals})
    queues = []
    for queue in hub.center.queues.values():
        samples = services.get(queue.id)
        if samples:
            service_s = sum(samples) / len(samples)
        else:
            minutes = [m.service_minutes for m in hub.center.matters_of_queue(queue.id) if m.service_minutes]
            service_s = 60.0 * (sum(minutes) / len(minutes) if minutes else 8.0)
        by_hour = []
        for hour in hours:
            rate = arrivals.get((queue.id, hour), 0) / working_days
            needed = erlang.servers_needed(rate, service_s, target_s, target_share)
            level = (erlang.service_level(needed, rate, service_s, target_s) if needed else 1.0)
            by_hour.append({"hour": hour, "arrivals_per_h": round(rate, 2),
                            "erlangs": round(erlang.traffic_erlangs(rate, service_s), 2),
                            "needed": needed, "service_level": round(level, 4)})
        peak = max((h["needed"] for h in by_hour), default=0)
        queues.append({"queue_id": queue.id, "name": queue.name, "windows": len(queue.window_ids),
                       "avg_service_s": round(service_s, 1), "peak_needed": peak,
                       # too little data: no advice to add or remove windows
                       "change": None if amount["too_little_data"] else peak - len(queue.window_ids),
                       "hours": by_hour})
    return {"from": first.isoformat(), "to": last.isoformat(), "target_s": target_s,
            "target_share": target_share, "working_days": working_days, "hours": hours,
            "queues": queues, **amount}
