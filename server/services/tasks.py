"""Running work off the request greenlet: one object per hub, ``hub.tasks``.

``spawn`` starts a background greenlet (or thread) through Flask-SocketIO; ``blocking``
runs a function in a real OS thread (gevent's threadpool) while the calling greenlet
waits, so blocking I/O or CPU work (a printer, a voice clip) never holds the hub;
``sleep`` lets the other greenlets run. Background loops end when ``hub.stopping`` is set.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


class BackgroundTasks:
    """The hub's tasks under Flask-SocketIO (gevent in production, threads in tests)."""

    def __init__(self, socketio) -> None:
        self.socketio = socketio

    def spawn(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.socketio.start_background_task(fn, *args, **kwargs)

    def blocking(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self.socketio.async_mode == "gevent":
            from gevent import get_hub

            return get_hub().threadpool.apply(fn, args)
        return fn(*args)

    def sleep(self, seconds: float) -> None:
        self.socketio.sleep(seconds)

    def map_blocking(self, fn: Callable[[Any], Any], items: list) -> list:
        """``fn`` over every item at once, each in the threadpool (webhook posts)."""
        if self.socketio.async_mode == "gevent":
            from gevent.pool import Group

            return Group().map(lambda item: self.blocking(fn, item), items)
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=max(1, min(len(items), 16))) as pool:
            return list(pool.map(fn, items))


class InlineTasks:
    """Runs everything at once, in the caller: for tests and tools (nothing in the background)."""

    def spawn(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        fn(*args, **kwargs)

    def blocking(self, fn: Callable[..., Any], *args: Any) -> Any:
        return fn(*args)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def map_blocking(self, fn: Callable[[Any], Any], items: list) -> list:
        return [fn(item) for item in items]
