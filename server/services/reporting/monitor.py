"""The managers' monitor: one per hub process (``hub.monitor``), built by ``create_app``.

Started with the first manager who connects (``/manager`` namespace), it stores the
facts of closed days once, then every ``interval_s`` sends a fresh ``dashboard`` to
this hub's managers and an ``alert`` whenever a threshold is crossed or cleared. Every
hub with managers connected runs its own monitor over the shared database: what it
finds goes to its own managers only (``local``), so nobody hears an alert twice. The
loop ends with the hub (``hub.stopping``).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from server.realtime import names

from ..hub import Hub
from . import dashboard, stats
from .alerts import AlertMonitor, Thresholds

log = logging.getLogger(__name__)

BACKFILL_DAYS = 400


class ManagerMonitor:
    """Refreshes the dashboard and checks the alert thresholds for one hub."""

    def __init__(self, hub: Hub, interval_s: float, limits: Thresholds | None = None) -> None:
        self.hub = hub
        self.interval_s = interval_s
        self.alerts = AlertMonitor(limits)
        self.started = False

    def current_alerts(self) -> list[dict]:
        """The thresholds' alerts, after the message queue's while this hub is cut off."""
        link = self.hub.link
        return (link.alerts() if link else []) + self.alerts.current()

    def snapshot(self) -> dict:
        return dashboard.snapshot(self.hub, self.current_alerts())

    def start(self) -> None:
        if not self.started:
            self.started = True
            self.hub.tasks.spawn(self._run)

    def tick(self) -> None:
        snap = dashboard.snapshot(self.hub)
        for change in self.alerts.check(snap):
            self.hub.publisher.alert(change, local=True)
        snap["alerts"] = self.current_alerts()
        self.hub.publisher.to_managers(names.DASHBOARD, snap, local=True)

    def _backfill(self) -> None:
        """One day at a time, yielding in between: folding is CPU work that would
        otherwise hold every other greenlet of the hub for seconds."""
        day = self.hub.today() - timedelta(days=BACKFILL_DAYS)
        while day <= stats.closed_until(self.hub) and not self.hub.stopping.is_set():
            stats.build_facts(self.hub, day, day)
            day += timedelta(days=1)
            self.hub.tasks.sleep(0.01)

    def _run(self) -> None:
        try:  # store the facts of closed days once, so the first long report is quick
            self._backfill()
        except Exception:  # noqa: BLE001 - a report will build them later
            log.exception("building statistics of past days failed")
        while not self.hub.stopping.is_set():
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - one bad refresh must not stop the next
                log.exception("refreshing the managers' dashboard failed")
            self.hub.stopping.wait(self.interval_s)
