"""Writing an already-encoded message straight into a phone's WebSocket.

Engine.IO (python-engineio 4, gevent with gevent-websocket) sends a packet by putting it
on the connection's queue; a writer greenlet per connection wakes up, takes it off with a
timeout, encodes it and writes the frame. For one message that is fine; for a waiting
line of 2,000 phones it is 2,000 greenlet wake-ups, queue handoffs and timers, more CPU
than the hub's own work (docs/benchmarks.md, "Where the time went: the fan-out").

Engine.IO has no public call that writes to a connection's socket, so this module puts a
thin subclass of Engine.IO's own gevent WebSocket wrapper in its place (one entry of the
server's driver table). For each WebSocket connection it remembers the socket and puts a
lock around every write to it (Engine.IO's writer, gevent-websocket's pongs and close),
and ``send`` writes a text frame with one non-blocking ``send()`` when, and only when,
that cannot reorder or interleave anything:

* the connection is upgraded, open, and Engine.IO's queue for it is empty (nothing
  older is waiting to go out), and no write to it is in progress (the lock is free);
* the kernel takes the frame; if it takes none (the phone is not reading), the caller
  falls back to Engine.IO's queue, and if it takes part, a greenlet writes the rest
  while still holding the lock, so nothing else is written in between.

Anything else (long-polling clients, TLS sockets, another async mode, a driver table
that does not look as expected) answers ``False`` and the caller uses Engine.IO's
public ``send_packet``; the clients receive the same bytes either way.
"""

from __future__ import annotations

import _socket  # the C socket type: the stdlib name may be gevent's (monkey-patched)
import logging
import struct

log = logging.getLogger(__name__)


class Link:
    """One WebSocket connection: its Engine.IO socket, the raw socket, the write lock."""

    __slots__ = ("eio_socket", "raw", "lock", "gsock")

    def __init__(self, eio_socket, gsock, raw, lock) -> None:
        self.eio_socket = eio_socket
        self.gsock = gsock
        self.raw = raw
        self.lock = lock


def text_frame(payload: bytes) -> bytes:
    """A final, unmasked WebSocket text frame (RFC 6455, server to client)."""
    n = len(payload)
    if n < 126:
        return bytes((0x81, n)) + payload
    if n <= 0xFFFF:
        return b"\x81\x7e" + struct.pack("!H", n) + payload
    return b"\x81\x7f" + struct.pack("!Q", n) + payload


class DirectSender:
    """The connections this hub holds over gevent-websocket, by Engine.IO sid."""

    def __init__(self) -> None:
        self.links: dict[str, Link] = {}
        self.direct = 0  # frames written here
        self.queued = 0  # frames left to Engine.IO's queue

    def send(self, eio_sid: str, encoded: bytes) -> bool:
        """Write Engine.IO's encoded packet (``b"4" + socket.io text``) to the client now;
        False when it must go through Engine.IO instead (nothing was written)."""
        link = self.links.get(eio_sid)
        if link is None:
            return False
        s = link.eio_socket
        if s.closed or s.closing or s.upgrading or not s.upgraded or s.queue.qsize() or link.lock.locked():
            self.queued += 1
            return False
        frame = text_frame(encoded)
        link.lock.acquire()
        handed_on = False
        try:
            try:
                sent = link.raw.send(frame)
            except (BlockingIOError, InterruptedError):
                sent = 0
            except OSError:
                return False  # a dead connection: Engine.IO's writer finds out and closes it
            if sent == 0:
                self.queued += 1
                return False
            if sent < len(frame):
                # Part of the frame is in the kernel: the rest must follow before anything
                # else, written by a greenlet that keeps the lock until it is out.
                import gevent

                gevent.spawn(_finish, link, frame[sent:])
                handed_on = True
            self.direct += 1
            return True
        finally:
            if not handed_on:
                link.lock.release()


def _finish(link: Link, rest: bytes) -> None:
    try:
        link.gsock.sendall(rest)
    except OSError:
        pass  # the connection is gone; its reader and writer end it
    finally:
        link.lock.release()


def install(eio) -> DirectSender | None:
    """Put the recording WebSocket wrapper into this Engine.IO server's driver table;
    None (and nothing changed) unless it runs on gevent with gevent-websocket."""
    try:
        from engineio.async_drivers import gevent as eio_gevent
        from gevent.lock import Semaphore
        from gevent.socket import socket as gevent_socket
    except ImportError:
        return None
    table = getattr(eio, "_async", None)
    base = getattr(eio_gevent, "WebSocketWSGI", None)
    if (getattr(eio, "async_mode", None) != "gevent" or not isinstance(table, dict)
            or base is None or getattr(eio_gevent, "SimpleWebSocketWSGI", True) is not None
            or table.get("websocket") is not base):
        return None
    sender = DirectSender()

    class RecordingWebSocket(base):
        """Engine.IO's gevent-websocket wrapper that also registers the connection."""

        def __call__(self, environ, start_response):
            ws = environ.get("wsgi.websocket")
            eio_socket = getattr(self.app, "__self__", None)  # Engine.IO's Socket._websocket_handler
            handler = getattr(ws, "handler", None)
            gsock = getattr(handler, "socket", None)
            raw = getattr(gsock, "_sock", None)
            sid = getattr(eio_socket, "sid", None)
            if (sid is None or type(gsock) is not gevent_socket or not isinstance(raw, _socket.socket)
                    or not hasattr(ws, "raw_write")):
                return super().__call__(environ, start_response)
            lock = Semaphore()
            write = ws.raw_write

            def locked_write(data):
                with lock:
                    return write(data)

            ws.raw_write = locked_write
            link = Link(eio_socket, gsock, raw, lock)
            sender.links[sid] = link
            try:
                return super().__call__(environ, start_response)
            finally:
                if sender.links.get(sid) is link:
                    del sender.links[sid]

    eio._async = {**table, "websocket": RecordingWebSocket}
    return sender
