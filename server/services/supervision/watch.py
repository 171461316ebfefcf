"""The supervision loop of one hub (``hub.supervision``): the rules, evaluated continuously.

Every ``interval_s`` (and at once after a no-show or a transfer, ``poke``) the watch
reads the day's new ticket events into the core's ``TicketTracks``, the windows' states
and the rectifications (and cases) due, asks each rule of ``queueing/supervision.py``
what holds now, and stores each finding it has not seen. The store keeps one row per
occurrence key (``INSERT ... ON CONFLICT DO NOTHING``): when several hubs evaluate at
once, one of them stores a finding and only that one pushes ``supervision_alert`` to
the managers and supervisors of every hub. The loop ends with the hub (``hub.stopping``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from server.queueing import supervision as rules
from server.queueing.events import DomainEvent, TicketNoShow, TicketTransferred
from server.realtime.names import SUPERVISION_ALERT

from ..counter.staffing import duty_unit, window_units
from ..hub import Hub
from . import sources
from .alerts import alert_view

log = logging.getLogger(__name__)
REREAD_IDS = 500  # on PostgreSQL a lower event id may commit after a higher one: look back
DUE_LOOKBACK_DAYS = 62  # rectifications and cases due this far back are looked at again
POKE_KINDS = frozenset({TicketNoShow.kind, TicketTransferred.kind})


class SupervisionWatch:
    def __init__(self, hub: Hub, interval_s: float = 30.0) -> None:
        self.hub = hub
        self.interval_s = interval_s
        self.wake = threading.Event()
        self.lock = threading.Lock()
        self.day: date | None = None
        self.tracks: rules.TicketTracks | None = None
        self.last_event_id = 0
        self.applied: set[int] = set()
        self.seen = rules.Watch()

    def start(self) -> None:
        self.hub.tasks.spawn(self._run)

    def poke(self, events: Iterable[DomainEvent]) -> None:
        """After a commit: a no-show or a transfer is checked at once (cheap: wakes the loop)."""
        if any(event.kind in POKE_KINDS for event in events):
            self.wake.set()

    def _run(self) -> None:
        while not self.hub.stopping.is_set():
            try:
                self.evaluate()
            except Exception:  # noqa: BLE001 - a database hiccup: try again next round
                log.exception("evaluating the supervision rules failed")
            self.wake.wait(self.interval_s)
            self.wake.clear()

    # --- one evaluation -----------------------------------------------------------------
    def evaluate(self, now: datetime | None = None, *, cases: Iterable[rules.Due] | None = None) -> list[dict]:
        """Run every rule now; store and push what is new; return the alerts stored."""
        with self.lock:
            hub = self.hub
            now = now or hub.now()
            today = hub.today(now)
            findings = self._findings(now, today, cases)
            stored = []
            for finding in findings:
                if finding.key in self.seen.known:
                    continue
                with hub.uow() as uow:
                    alert_id = uow.supervision.add(finding, hub.today(finding.at))
                    uow.commit()
                self.seen.known.add(finding.key)  # stored, here or by another hub
                if alert_id is not None:
                    stored.append(alert_id)
            views = []
            if stored:
                with hub.reading() as repos:
                    views = [alert_view(hub, repos, repos.supervision.get(i)) for i in stored]
                for view in views:
                    hub.publisher.to_managers(SUPERVISION_ALERT, view)
            return views

    def _findings(self, now: datetime, today: date, cases) -> list[rules.Finding]:
        hub, center = self.hub, self.hub.center
        limits = center.rules.supervision
        since = now - timedelta(days=DUE_LOOKBACK_DAYS)
        with hub.reading() as repos:
            if self.day != today:
                self.day, self.tracks, self.last_event_id = today, rules.TicketTracks(center), 0
                self.applied = set()
                self.seen = rules.Watch(repos.supervision.keys_since(today - timedelta(days=DUE_LOOKBACK_DAYS)))
            rows = [row for row in repos.supervision.ticket_events(
                today, self.last_event_id - REREAD_IDS) if row.id not in self.applied]
            if rows:
                self.tracks.feed(rows)
                self.applied.update(row.id for row in rows)
                self.last_event_id = max(self.last_event_id, rows[-1].id)
            states = repos.windows.all()
            rectifications = repos.supervision.rectifications_due(now, since)
            due_cases = list(cases) if cases is not None else sources.cases_due(repos, now, since)
        windows = [rules.WindowWatch(w, s.status, s.since, s.clerk_id, _unit_of(hub, w, now))
                   for w, s in states.items()]
        tracks = self.tracks
        return (rules.window_unattended(windows, center, tracks.waiting_since_by_queue(), limits,
                                        hub.tz, today, now)
                + rules.quick_no_show(tracks, limits, now)
                + rules.long_wait(tracks, limits, center.hours, hub.tz, now)
                + rules.transfer_loop(tracks, limits, now)
                + rules.rectification_overdue(rectifications, now)
                + rules.case_overdue(due_cases, now))


def _unit_of(hub: Hub, window_id: str, at: datetime) -> str | None:
    """The unit answerable for a window: its unit on duty, else the first it serves."""
    if window_id not in hub.center.windows:
        return None
    units = window_units(hub, window_id)
    return duty_unit(hub, window_id, at) or (units[0] if units else None)
