"""Real python-socketio clients that record what the hub sends them."""

from __future__ import annotations

import threading
import time
from collections import defaultdict

import socketio


class Listener:
    """A Socket.IO client on one namespace that keeps every event it receives."""

    def __init__(self, url: str, namespace: str, auth: dict | None = None,
                 events: tuple[str, ...] = ()) -> None:
        self.url = url
        self.namespace = namespace
        self.auth = auth or {}
        self.received: dict[str, list] = defaultdict(list)
        self.times: dict[str, list[float]] = defaultdict(list)
        self._cond = threading.Condition()
        self.client = socketio.Client(reconnection=True, reconnection_delay=0.2,
                                      reconnection_delay_max=1)
        for name in events:
            self.client.on(name, self._recorder(name), namespace=namespace)

    def _recorder(self, name: str):
        def record(data=None):
            with self._cond:
                self.received[name].append(data)
                self.times[name].append(time.perf_counter())
                self._cond.notify_all()
        return record

    def connect(self, timeout: float = 10) -> Listener:
        self.client.connect(self.url, namespaces=[self.namespace], auth=self.auth,
                            transports=["websocket"], wait_timeout=timeout)
        return self

    def wait_for(self, name: str, predicate=lambda data: True, timeout: float = 5.0):
        """The first received ``name`` event whose data satisfies ``predicate``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for data in self.received[name]:
                    if predicate(data):
                        return data
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no {name} matching on {self.namespace} within {timeout}s; "
                                       f"got {self.received[name][-3:]}")
                self._cond.wait(remaining)

    def wait_count(self, name: str, count: int, timeout: float = 5.0) -> list:
        """Wait until ``count`` ``name`` events have arrived; return them all."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.received[name]) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"only {len(self.received[name])} {name} on {self.namespace}, "
                                       f"wanted {count} within {timeout}s")
                self._cond.wait(remaining)
            return list(self.received[name])

    def count(self, name: str) -> int:
        with self._cond:
            return len(self.received[name])

    def disconnect(self) -> None:
        try:
            self.client.disconnect()
        except Exception:  # noqa: BLE001
            pass
