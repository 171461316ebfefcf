"""The ``/manager`` namespace: managers' dashboards, live.

Connect with ``auth`` ``{token}``: the bearer token of a manager or admin. On connect
the client receives a ``dashboard`` snapshot (and every active alert in it); then a
background task, started with the first manager, sends a fresh ``dashboard`` every
few seconds and an ``alert`` whenever a threshold is crossed or cleared. Emits go
through the publisher (``to_managers``, ``alert``); the snapshot on connect is the
only direct ``emit``, as in every namespace.
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta

from flask import current_app
from flask_socketio import ConnectionRefusedError, Namespace, emit, join_room

from server.services import dashboard, stats
from server.services.accounts import authenticate_token, require_role
from server.services.alerts import AlertMonitor, Thresholds
from server.services.errors import ServiceError
from server.services.hub import Hub

from . import names

log = logging.getLogger(__name__)

BACKFILL_DAYS = 400


class ManagerMonitor:
    """One per hub process: refreshes the dashboard and checks the alert thresholds."""

    def __init__(self, hub: Hub, socketio, interval_s: float) -> None:
        self.hub = hub
        self.socketio = socketio
        self.interval_s = interval_s
        self.alerts = AlertMonitor(Thresholds.from_env())
        self.started = False

    def snapshot(self) -> dict:
        return dashboard.snapshot(self.hub, self.alerts.current())

    def start(self) -> None:
        if not self.started:
            self.started = True
            self.socketio.start_background_task(self._run)

    def tick(self) -> None:
        snap = dashboard.snapshot(self.hub)
        # Every hub with managers connected runs its own monitor over the shared database:
        # what it finds goes to its own managers only, so nobody hears an alert twice.
        for change in self.alerts.check(snap):
            self.hub.publisher.alert(change, local=True)
        snap["alerts"] = self.alerts.current()
        self.hub.publisher.to_managers(names.DASHBOARD, snap, local=True)

    def _backfill(self) -> None:
        """One day at a time, yielding in between: folding is CPU work that would
        otherwise hold every other greenlet of the hub for seconds."""
        day = self.hub.today() - timedelta(days=BACKFILL_DAYS)
        while day <= stats.closed_until(self.hub):
            stats.build_facts(self.hub, day, day)
            day += timedelta(days=1)
            self.socketio.sleep(0.01)

    def _run(self) -> None:
        try:  # store the facts of closed days once, so the first long report is quick
            self._backfill()
        except Exception:  # noqa: BLE001 - a report will build them later
            log.exception("building statistics of past days failed")
        while True:
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - one bad refresh must not stop the next
                log.exception("refreshing the managers' dashboard failed")
            self.socketio.sleep(self.interval_s)


def monitor(app=None) -> ManagerMonitor | None:
    app = app or current_app
    return app.extensions.get("yimen_manager")


class ManagerNamespace(Namespace):
    """Managers' dashboards. ``auth``: ``{token}`` of a manager or admin."""

    def on_connect(self, auth=None):
        app = current_app._get_current_object()
        hub = app.extensions["yimen"]
        token = auth.get("token") if isinstance(auth, dict) else None
        try:
            actor = authenticate_token(hub, token)
            require_role(actor, "manager", "supervisor", "admin")
        except ServiceError as exc:
            raise ConnectionRefusedError(exc.message) from None
        mon = app.extensions.get("yimen_manager")
        if mon is None:
            interval = float(os.environ.get("YIMEN_DASHBOARD_INTERVAL_S", "5"))
            mon = app.extensions["yimen_manager"] = ManagerMonitor(hub, self.socketio, interval)
        join_room(names.MANAGERS_ROOM)
        emit(names.DASHBOARD, mon.snapshot())
        mon.start()


def register(socketio) -> None:
    socketio.on_namespace(ManagerNamespace(names.MANAGER))
