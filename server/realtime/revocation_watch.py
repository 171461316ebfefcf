"""Closing Socket.IO connections whose staff token or device key was revoked.

REST calls check their token or key on every request, so a logout, a disabled user or
device, or a password change is refused there at once. An open Socket.IO connection was
checked only when it connected: each hub therefore looks again, every
``WATCH_INTERVAL_S`` seconds, at the connections it holds (one query for all of them)
and disconnects those whose session or device is no longer valid. Every hub watches
its own connections against the shared database, so this holds on every hub.
"""

from __future__ import annotations

import hashlib
import logging
import threading

log = logging.getLogger(__name__)

WATCH_INTERVAL_S = 2.0


class ConnectionWatch:
    def __init__(self) -> None:
        self._tokens: dict[tuple[str, str], str] = {}  # (sid, namespace) → token hash
        self._devices: dict[tuple[str, str], int] = {}  # (sid, namespace) → device id
        self._lock = threading.Lock()

    def token(self, sid: str, namespace: str, token: str) -> None:
        with self._lock:
            self._tokens[(sid, namespace)] = hashlib.sha256(token.encode("utf-8")).hexdigest()

    def device(self, sid: str, namespace: str, device_id: int) -> None:
        with self._lock:
            self._devices[(sid, namespace)] = int(device_id)

    def forget(self, sid: str, namespace: str) -> None:
        with self._lock:
            self._tokens.pop((sid, namespace), None)
            self._devices.pop((sid, namespace), None)

    def revoked(self, hub) -> list[tuple[str, str]]:
        """The connections whose token or key no longer holds; they are forgotten."""
        with self._lock:
            tokens, devices = dict(self._tokens), dict(self._devices)
        if not tokens and not devices:
            return []
        with hub.reading() as repos:
            valid_tokens = repos.sessions.valid_hashes(set(tokens.values()), hub.now())
            active_devices = repos.devices.active_ids(set(devices.values()))
        gone = [conn for conn, digest in tokens.items() if digest not in valid_tokens]
        gone += [conn for conn, device_id in devices.items() if device_id not in active_devices]
        for sid, namespace in gone:
            self.forget(sid, namespace)
        return gone


def watch() -> ConnectionWatch:
    """This hub's watch (``hub.connections``, built by ``create_app``)."""
    from flask import current_app

    return current_app.extensions["yimen"].connections


def start(hub, socketio, interval_s: float = WATCH_INTERVAL_S) -> None:
    """Look at the hub's connections every ``interval_s`` until the hub stops."""
    hub.tasks.spawn(_watch_forever, hub.connections, hub, socketio, interval_s)


def _watch_forever(watch: ConnectionWatch, hub, socketio, interval_s: float) -> None:
    """Disconnect revoked connections until the hub stops."""
    while not hub.stopping.wait(interval_s):
        try:
            for sid, namespace in watch.revoked(hub):
                socketio.server.disconnect(sid, namespace=namespace)
        except Exception:  # noqa: BLE001 - a database hiccup: look again next round
            log.exception("checking open connections for revoked tokens failed")
