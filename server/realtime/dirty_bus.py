"""Telling the other hubs what changed, so each can refresh its own clients.

Derived updates (queue lengths, waiting lists, visitors' places) are computed by every
hub for the clients connected to it, and sent to them directly. For that each hub must
learn what changed on the others: a tiny Redis pub/sub channel beside Flask-SocketIO's
message queue carries the sets of changed queues, windows and tickets.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable

from .queue_link import Backoff, QueueLink
from .redis_queue import redis_options

log = logging.getLogger(__name__)

Dirty = dict[str, list]
LISTEN_POLL_S = 1.0  # how often the listener looks whether the hub is stopping


class LocalBus:
    """One hub alone: nobody to tell."""

    def broadcast(self, dirty: Dirty) -> None:
        return None

    def start(self, on_dirty: Callable[[Dirty], None], start_task, stopping=None) -> None:
        return None


class RedisBus:
    LISTENER = "dirty_bus"

    def __init__(self, url: str, channel: str, *, link: QueueLink | None = None,
                 retry_max_s: float = 5.0) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, **redis_options())
        self.channel = f"{channel}:dirty"
        self.hub_id = uuid.uuid4().hex
        self.link = link or QueueLink()
        self.retry_max_s = retry_max_s

    def broadcast(self, dirty: Dirty) -> None:
        try:
            self._redis.publish(self.channel, json.dumps({"from": self.hub_id, **dirty}))
        except Exception as exc:  # noqa: BLE001 - Redis down: the other hubs catch up on reconnect
            log.warning("cannot tell other hubs about changes: %s", exc)

    def start(self, on_dirty: Callable[[Dirty], None], start_task, stopping=None) -> None:
        """Listen in a background task until ``stopping`` (the hub's) is set."""
        self.link.expect(self.LISTENER)  # revocations from the other hubs come this way
        start_task(self._listen, on_dirty, stopping or threading.Event())

    def _listen(self, on_dirty: Callable[[Dirty], None], stopping: threading.Event) -> None:
        backoff = Backoff(self.retry_max_s)
        while not stopping.is_set():
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(self.channel)
            except Exception as exc:  # noqa: BLE001 - Redis unreachable: wait, try again
                pubsub.close()
                self.link.down(self.LISTENER, exc)
                stopping.wait(backoff.next())
                continue
            self.link.up(self.LISTENER)
            backoff.reset()
            try:
                while not stopping.is_set():
                    message = pubsub.get_message(timeout=LISTEN_POLL_S)
                    if message is None:
                        continue
                    data = json.loads(message["data"])
                    if data.pop("from", None) != self.hub_id:
                        on_dirty(data)
            except Exception as exc:  # noqa: BLE001 - reconnect after any failure
                self.link.lost(self.LISTENER)
                log.warning("listening for other hubs' changes failed (%s); retrying", exc)
            finally:
                pubsub.close()
            stopping.wait(backoff.next())
