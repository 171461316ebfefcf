"""The message queue's emits handed to this hub's clients: plain ones to the publisher's
writer, everything else to python-socketio as before; the listeners hear of all of them."""

from __future__ import annotations

import socketio

from server.realtime.queue_link import QueueLink
from server.realtime.redis_queue import CappedRedisManager


def message(**changes) -> dict:
    base = {"method": "emit", "event": "ticket_called", "data": [{"number": "A001"}], "binary": False,
            "namespace": "/display", "room": "hall", "skip_sid": None, "callback": None, "host_id": "x"}
    return {**base, **changes}


def test_plain_emits_go_to_the_writer_and_the_rest_to_python_socketio(monkeypatch):
    by_library = []
    monkeypatch.setattr(socketio.PubSubManager, "_handle_emit", lambda self, m: by_library.append(m))
    manager = CappedRedisManager("redis://127.0.0.1:1/0", "test", link=QueueLink(), retry_max_s=1)
    written, heard = [], []
    manager.emit_listeners.append(lambda *args: heard.append(args))

    manager._handle_emit(message())  # no writer yet: the library's way
    manager.local_writer = lambda *args: written.append(args)
    manager._handle_emit(message())
    others = [message(callback=("hall", "/display", 1)), message(skip_sid="abc"), message(binary=True),
              message(room=["hall", "zone:f1"]), message(data=[None]), message(data=[1, 2])]
    for other in others:
        manager._handle_emit(other)

    assert written == [("ticket_called", {"number": "A001"}, "/display", "hall")]
    assert by_library == [message(), *others]
    assert len(heard) == 2 + len(others)
    assert heard[0] == ("ticket_called", "/display", "hall")
