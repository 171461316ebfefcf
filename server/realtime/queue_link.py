"""Whether this hub hears the other hubs: reconnection waits, and the managers' alert.

With several hubs, two listeners on the message queue (Redis) carry what happens on the
others: python-socketio's (calls for the hall, ``server/realtime/redis_queue.py``) and
the dirty bus's (what to refresh, ``dirty_bus.py``). Each reports here when it cannot
(re)subscribe and when it is subscribed again. While any of them is cut off, managers
connected to this hub see an alert ``message_queue``; a clearing alert follows when
both listen again. Between attempts a listener waits ``Backoff``: doubling from half a
second, never above ``YIMEN_MQ_RETRY_MAX_S`` (default 5 s), so however long Redis was
down, the hubs hear each other again within that many seconds of its return.

The hub's remembered credentials (``access_cache.py``) depend on it too: another hub's
revocation reaches this one only over the dirty bus. So the cache keeps nothing, and
each request checks its key or token in the database, from the moment the dirty bus's
subscription breaks (or any listener reports it cannot subscribe) until it is
subscribed again; every change of that state empties the cache.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

log = logging.getLogger(__name__)

ALERT_ID = "message_queue"


class Backoff:
    """Waits between reconnection attempts: ``first_s``, doubling, at most ``max_s``."""

    def __init__(self, max_s: float, first_s: float = 0.5) -> None:
        self.max_s = max(0.0, max_s)
        self.first_s = min(first_s, self.max_s)
        self._next = self.first_s

    def next(self) -> float:
        wait = self._next
        self._next = min(self.max_s, wait * 2 if wait else self.first_s)
        return wait

    def reset(self) -> None:
        self._next = self.first_s


class QueueLink:
    """This hub's link to the others, as its message-queue listeners report it."""

    def __init__(self) -> None:
        self.hub = None
        self._lock = threading.Lock()
        self._cut: dict[str, str] = {}  # listener → the last error
        self._since: datetime | None = None
        self._expected: set[str] = set()  # listeners the access cache waits for
        self._listening: set[str] = set()  # listeners subscribed now

    def bind(self, hub) -> None:
        self.hub = hub
        self._trust()

    def expect(self, listener: str) -> None:
        """``listener`` carries revocations from the other hubs: until it is subscribed,
        this hub keeps no checked credentials."""
        with self._lock:
            self._expected.add(listener)
        self._trust()

    def lost(self, listener: str) -> None:
        """``listener``'s subscription broke; it is about to subscribe again."""
        with self._lock:
            self._listening.discard(listener)
        self._trust()

    def _trust(self) -> None:
        with self._lock:
            heard = not self._cut and self._expected <= self._listening
        access = getattr(self.hub, "access", None)
        if access is not None:
            access.trust(heard)

    def _now(self) -> datetime:
        if self.hub is None:
            return datetime.now().astimezone()
        return self.hub.now().astimezone(self.hub.tz)

    def down(self, listener: str, error: object) -> None:
        """``listener`` could not subscribe: other hubs' events do not reach this one."""
        with self._lock:
            first = not self._cut
            self._cut[listener] = str(error)[:200]
            self._listening.discard(listener)
            if first:
                self._since = self._now()
        self._trust()
        if first:
            log.error("cut off from the other hubs: the message queue is unreachable (%s)", error)
            self._announce(self._alert())

    def up(self, listener: str) -> None:
        with self._lock:
            was_cut = bool(self._cut)
            self._cut.pop(listener, None)
            self._listening.add(listener)
            cleared = was_cut and not self._cut
            since = self._since
            if cleared:
                self._since = None
        self._trust()
        if cleared:
            now = self._now()
            lasted = round((now - since).total_seconds()) if since else 0
            log.warning("hearing the other hubs again after %s s", lasted)
            self._announce({"id": ALERT_ID, "kind": "message_queue", "severity": "info", "active": False,
                            "at": now.isoformat(timespec="seconds"), "value_s": lasted,
                            "message": f"与其他服务器的消息通道已恢复（中断约 {lasted} 秒）"})

    @property
    def cut(self) -> bool:
        with self._lock:
            return bool(self._cut)

    def _alert(self) -> dict:
        since = self._since or self._now()
        return {"id": ALERT_ID, "kind": "message_queue", "severity": "critical", "active": True,
                "at": since.isoformat(timespec="seconds"),
                "message": "与其他服务器的消息通道（Redis）中断：其他服务器上的叫号和排队变化传不到本服务器的屏幕，"
                           "本服务器自己的取号、叫号照常"}

    def alerts(self) -> list[dict]:
        """The active alert while cut off (for dashboards that connect meanwhile)."""
        with self._lock:
            return [self._alert()] if self._cut else []

    def _announce(self, alert: dict) -> None:
        publisher = getattr(self.hub, "publisher", None)
        if publisher is None:
            return
        try:  # to this hub's managers only: the queue is what is down
            publisher.alert(alert, local=True)
        except Exception:  # noqa: BLE001 - an alert must never stop a listener
            log.exception("sending the message-queue alert failed")
