"""Whether this hub hears the other hubs: reconnection waits, and the managers' alert.

With several hubs, two listeners on the message queue (Redis) carry what happens on the
others: python-socketio's (calls for the hall, ``server/realtime/redis_queue.py``) and
the dirty bus's (what to refresh, ``dirty_bus.py``). Each reports here when it cannot
(re)subscribe and when it is subscribed again. While any of them is cut off, managers
connected to this hub see an alert ``message_queue``; a clearing alert follows when
both listen again. Between attempts a listener waits ``Backoff``: doubling from half a
second, never above ``YIMEN_MQ_RETRY_MAX_S`` (default 5 s), so however long Redis was
down, the hubs hear each other again within that many seconds of its return.
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

    def bind(self, hub) -> None:
        self.hub = hub

    def _now(self) -> datetime:
        if self.hub is None:
            return datetime.now().astimezone()
        return self.hub.now().astimezone(self.hub.tz)

    def down(self, listener: str, error: object) -> None:
        """``listener`` could not subscribe: other hubs' events do not reach this one."""
        with self._lock:
            first = not self._cut
            self._cut[listener] = str(error)[:200]
            if first:
                self._since = self._now()
        if first:
            log.error("cut off from the other hubs: the message queue is unreachable (%s)", error)
            self._announce(self._alert())

    def up(self, listener: str) -> None:
        with self._lock:
            was_cut = bool(self._cut)
            self._cut.pop(listener, None)
            cleared = was_cut and not self._cut
            since = self._since
            if cleared:
                self._since = None
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
