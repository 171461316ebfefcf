"""Staff records (``GET /reports/staff``): per clerk over any period, for the year-end review.

* ``served``, ``no_show``, ``avg_service_s``: the ticket facts (the core's fold,
  through ``stats.facts_between``) whose last call was the clerk's;
* ``calls``: the clerk's first calls of tickets (``ticket_called`` events; recalls not
  counted), ``days_worked``: the service days the clerk opened a window or called;
* ``paused_s`` (and ``paused_by_reason``): the window events folded by
  ``queueing.shifts.fold_shifts``;
* ``ratings`` by level (not overturned), ``rectifications`` opened, ``findings`` of
  the supervision rules (``findings_by_kind`` too), all by the ticket's service day or
  the day of the finding.

Every staff member with the role ``clerk`` has a row; others only when they did some of it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from server.queueing.facts import clerk_id_of
from server.queueing.ratings import LEVELS
from server.queueing.shifts import fold_shifts
from server.queueing.tickets import TicketStatus

from ..hub import Hub
from . import stats

STAFF_COLUMNS = (
    ("user", "账号"), ("name", "姓名"), ("unit_id", "所属部门"), ("days_worked", "出勤天数"),
    ("calls", "叫号数"), ("served", "办结数"), ("no_show", "过号"), ("avg_service_s", "平均办理(秒)"),
    ("paused_s", "暂停时长(秒)"), *((f"level_{lv}", f"{lv}星评价") for lv in sorted(LEVELS, reverse=True)),
    ("rectifications", "差评整改"), ("findings", "监察发现"),
)


def staff_report(hub: Hub, first: date, last: date) -> dict:
    until = min(hub.now(), datetime.combine(last + timedelta(days=1), time(0), hub.tz))
    facts = stats.facts_between(hub, first, last, ("clerk_id", "status", "service_s"), positional=True)
    served: dict[int, list] = defaultdict(list)
    no_show: dict[int, int] = defaultdict(int)
    for clerk_id, status, service_s in facts:
        if clerk_id is None:
            continue
        if status == TicketStatus.DONE.value:
            served[clerk_id].append(service_s)
        elif status == TicketStatus.NO_SHOW.value:
            no_show[clerk_id] += 1
    calls: dict[int, int] = defaultdict(int)
    days: dict[int, set] = defaultdict(set)
    levels: dict[int, dict] = defaultdict(lambda: {str(lv): 0 for lv in sorted(LEVELS)})
    with hub.reading() as repos:
        shifts = fold_shifts(repos.supervision.window_events(first, last), until)
        for actor, day, count in repos.supervision.call_counts(first, last):
            clerk_id = clerk_id_of(actor)
            if clerk_id is not None:
                calls[clerk_id] += count
                days[clerk_id].add(day)
        for clerk_id, level, count in repos.ratings.level_counts("clerk_id", first, last):
            if clerk_id is not None:
                levels[clerk_id][str(level)] += count
        rectifications = dict(repos.supervision.rectification_counts("clerk_id", first, last))
        findings: dict[int, dict] = defaultdict(dict)
        for user_id, kind, count in repos.supervision.counts("user_id", first, last):
            if user_id is not None:
                findings[user_id][kind] = count
        users = repos.users.all()
    active = set(served) | set(no_show) | set(calls) | set(shifts) | set(levels) | set(findings)
    rows = []
    for user in users:
        if user.role != "clerk" and user.id not in active:
            continue
        shift = shifts.get(user.id)
        services = [s for s in served.get(user.id, []) if s is not None]
        rows.append({
            "user": user.username, "name": user.name, "unit_id": user.unit_id,
            "days_worked": len(days[user.id] | (shift.days if shift else set())),
            "calls": calls.get(user.id, 0), "served": len(served.get(user.id, [])),
            "no_show": no_show.get(user.id, 0),
            "avg_service_s": round(sum(services) / len(services), 1) if services else None,
            "paused_s": round(shift.paused_s) if shift else 0,
            "ratings": dict(levels[user.id]), "rectifications": rectifications.get(user.id, 0),
            "findings": sum(findings[user.id].values()),
            # additions
            "user_id": user.id, "role": user.role,
            "paused_by_reason": {k: round(v) for k, v in shift.paused_by_reason.items()} if shift else {},
            "findings_by_kind": dict(findings[user.id]),
        })
    return {"from": first.isoformat(), "to": last.isoformat(), "rows": rows}


def staff_table(report: dict) -> tuple[list[str], list[list]]:
    headers = [title for _, title in STAFF_COLUMNS]
    rows = []
    for row in report["rows"]:
        values = []
        for key, _ in STAFF_COLUMNS:
            values.append(row["ratings"][key[6:]] if key.startswith("level_") else row[key])
        rows.append(values)
    return headers, rows
