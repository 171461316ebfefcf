"""python-socketio's Redis message queue, with reconnection waits that stay short.

Its ``RedisManager`` doubles the wait after each failed attempt up to 60 s: after a
long Redis outage a hub would stay deaf to the others for up to a minute after Redis
came back. ``CappedRedisManager`` listens the same way but waits ``Backoff`` (at most
``YIMEN_MQ_RETRY_MAX_S``) and tells the ``QueueLink`` when it is cut off and back.
Redis connections here fail fast (no hidden retries inside redis-py, a 3 s connect
timeout), so the wait between attempts is the only delay; TCP keepalive probes find a
connection to a Redis that vanished without closing it (a network cut) within ~30 s.
"""

from __future__ import annotations

import logging
import socket
import time

import socketio

from .queue_link import Backoff, QueueLink

log = logging.getLogger(__name__)

LISTENER = "socketio"


def _keepalive_options() -> dict:
    wanted = {"TCP_KEEPIDLE": 10, "TCP_KEEPINTVL": 5, "TCP_KEEPCNT": 3}
    return {getattr(socket, name): value for name, value in wanted.items() if hasattr(socket, name)}


def redis_options() -> dict:
    """Connection options for every Redis client of the hub: one attempt per call."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {"retry": Retry(NoBackoff(), 0), "socket_connect_timeout": 3, "socket_keepalive": True,
            "socket_keepalive_options": _keepalive_options()}


def is_redis_url(url: str | None) -> bool:
    return bool(url) and url.startswith(("redis://", "rediss://"))


class CappedRedisManager(socketio.RedisManager):
    def __init__(self, url: str, channel: str, *, link: QueueLink, retry_max_s: float) -> None:
        super().__init__(url, channel=channel, redis_options=redis_options())
        self.link = link
        self.retry_max_s = retry_max_s
        # Told of every emit handed to this hub's clients, from here or from another hub:
        # ``listener(event, namespace, room)`` (the publisher keeps a flush in progress
        # from sending a phone an older place after its call).
        self.emit_listeners: list = []
        # ``writer(event, data, namespace, room)``: hands a plain emit to this hub's clients
        # in a room itself (the publisher writes it straight into their WebSockets, not
        # behind a writer greenlet per client); None: python-socketio's own way.
        self.local_writer = None

    def _handle_emit(self, message):
        data, room = message.get("data"), message.get("room")
        if (self.local_writer is not None and message.get("callback") is None and not message.get("binary")
                and message.get("skip_sid") is None and isinstance(room, str)
                and isinstance(data, list) and len(data) == 1 and data[0] is not None):
            self.local_writer(message.get("event"), data[0], message.get("namespace") or "/", room)
        else:
            super()._handle_emit(message)
        for listener in self.emit_listeners:
            try:
                listener(message.get("event"), message.get("namespace"), message.get("room"))
            except Exception:  # noqa: BLE001 - a listener must not lose the message queue
                log.exception("an emit listener failed")

    def publish_elsewhere(self, event: str, data, namespace: str, room: str) -> None:
        """The other hubs' half of an emit to a room (JSON data, no callback) whose
        clients on this hub have already been sent it: the message python-socketio's
        ``emit`` publishes, which every other hub's listener hands to its clients."""
        self._publish({"method": "emit", "event": event, "data": [data], "binary": False,
                       "namespace": namespace, "room": room, "skip_sid": None, "callback": None,
                       "host_id": self.host_id})

    def _publish(self, data):
        """Send to the other hubs: two attempts (the second on a new connection); while
        the link is known to be cut, failures are expected and not logged again."""
        for attempt in (1, 2):
            try:
                if not self.connected:
                    self._redis_connect()
                return self.redis.publish(self.channel, self.json.dumps(data))
            except Exception as exc:  # noqa: BLE001 - Redis down: this hub's clients still got it
                self.connected = False
                if attempt == 2 and not self.link.cut:
                    log.warning("cannot send to the other hubs through the message queue: %s", exc)
        return None

    def _redis_listen_with_retries(self):
        backoff = Backoff(self.retry_max_s)
        while True:
            try:
                self._redis_connect()
                self.pubsub.subscribe(self.channel)
            except Exception as exc:  # noqa: BLE001 - any failure: wait, then try again
                self.link.down(LISTENER, exc)
                time.sleep(backoff.next())
                continue
            self.link.up(LISTENER)
            backoff.reset()
            try:
                yield from self.pubsub.listen()
            except Exception as exc:  # noqa: BLE001 - connection lost: resubscribe
                log.warning("lost the message queue (%s); reconnecting", exc)
            time.sleep(backoff.next())


def client_manager(config, link: QueueLink):
    """Ours for a Redis message queue; None otherwise (one hub alone, or another kind
    of queue, which Flask-SocketIO chooses itself)."""
    url = config.get("MESSAGE_QUEUE")
    if not is_redis_url(url):
        return None
    return CappedRedisManager(url, config.get("MESSAGE_QUEUE_CHANNEL", "yimen"), link=link,
                              retry_max_s=float(config.get("MQ_RETRY_MAX_S", 5)))
