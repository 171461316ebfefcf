"""The managers' live dashboard: every queue, every window, today's figures.

A window's ``state`` is what the floor view colours it by:
``serving`` | ``called`` | ``idle`` (open, nobody at it) | ``paused`` | ``closed`` |
``unattended``: opened today, now closed, while its queues have visitors waiting ("staff
not at their post"); a paused window stays ``paused``, with its reason.
"""

from __future__ import annotations

from sqlalchemy import select

from server.db.tables import events as e
from server.holiday_source import calendar_warnings
from server.queueing.events import WindowOpened
from server.queueing.tickets import TicketStatus
from server.queueing.windows import WindowStatus
from server.services.issuing.public_address import dashboard_warning

from .. import views
from ..feedback import rectifications
from ..hub import Hub
from . import stats


def _seconds(now, then) -> int | None:
    return max(0, round((now - then).total_seconds())) if then else None


def window_rows(hub: Hub, repos, queues: dict[str, dict]) -> list[dict]:
    now, today = hub.now(), hub.today()
    states = repos.windows.all()
    at_windows = repos.tickets.at_windows()
    opened_today = set(repos.conn.execute(
        select(e.c.window_id).where(e.c.service_day == today, e.c.kind == WindowOpened.kind).distinct()
    ).scalars())
    rows = []
    for window in hub.center.windows.values():
        view = views.window_view(hub, states.get(window.id), window.id)
        state = states.get(window.id)
        ticket = at_windows.get(window.id)
        waiting = sum(queues[q]["waiting"] for q in window.queue_ids if q in queues)
        status = view["status"]
        if ticket is not None:
            shown = "serving" if ticket.status is TicketStatus.SERVING else "called"
            since = ticket.started_at if shown == "serving" else ticket.called_at
        elif status == WindowStatus.OPEN.value:
            shown, since = "idle", state.since if state else None
        else:
            shown, since = status, state.since if state else None
            # a paused clerk is coming back (lunch, a break, with a reason): only a window
            # closed while its queues wait is left unattended
            if waiting and window.id in opened_today and status == WindowStatus.CLOSED.value:
                shown = "unattended"
        rows.append({
            **view,
            "state": shown,
            "state_for_s": _seconds(now, since),
            "waiting": waiting,
            "current": ({"number": ticket.number, "status": ticket.status.value,
                         "queue_id": ticket.queue_id,
                         "called_for_s": _seconds(now, ticket.called_at),
                         "serving_for_s": _seconds(now, ticket.started_at)}
                        if ticket is not None else None),
        })
    return rows


def snapshot(hub: Hub, alerts: list[dict] | None = None) -> dict:
    """What a manager's dashboard shows; sent on connect and every few seconds."""
    today = hub.today()
    figures = stats.day_stats(hub, today)
    by_queue = {row["queue_id"]: row for row in figures["by_queue"]}
    with hub.reading() as repos:
        queues = views.queue_summaries(hub, repos)
        queue_map = {q["id"]: q for q in queues}
        windows = window_rows(hub, repos, queue_map)
        overdue = rectifications.overdue_count(hub, repos)
    for queue in queues:
        day = by_queue.get(queue["id"], {})
        queue["avg_wait_s"] = day.get("avg_wait_s")
        queue["issued_today"] = day.get("issued", 0)
        queue["no_show_today"] = day.get("no_show", 0)
    counts: dict[str, int] = {}
    for window in windows:
        counts[window["state"]] = counts.get(window["state"], 0) + 1
    totals = {k: v for k, v in figures.items() if not k.startswith("by_")}
    totals["waiting_now"] = sum(q["waiting"] for q in queues)
    totals["longest_wait_now_s"] = max((q["longest_wait_s"] for q in queues), default=0)
    return {
        "at": views.local_iso(hub, hub.now()),
        "center": hub.center.name,
        "today": totals,
        "queues": queues,
        "windows": windows,
        "window_states": counts,
        "zones": [z.to_dict() for z in hub.center.zones.values()],
        "alerts": alerts or [],
        "calendar_warnings": calendar_warnings(hub.calendar, today),
        "rectifications_overdue": overdue,
        "public_url_warning": dashboard_warning(hub),  # addition: the QR code's address is loopback
    }
