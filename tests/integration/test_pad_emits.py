"""A rating pad's messages on a call and a finish (``SocketPublisher._emit_to_pad``) are
worked out, reads and all, only when someone may hear them: with a message queue always
(the pad may be on another hub), without one only when one of this hub's clients is in
the pad's room."""

from __future__ import annotations

import socketio as socketio_pkg
from flask import Flask
from flask_socketio import SocketIO

from server.queueing.actors import Actor
from server.queueing.events import TicketCalled, TicketFinished
from server.realtime import names
from server.realtime.publisher import SocketPublisher
from server.services.feedback import ratings

CLERK = Actor("user", "7", "clerk1", "clerk")


class _QueueOnly(socketio_pkg.PubSubManager):
    """A message queue that sends nothing anywhere (the test's other hubs)."""

    def _publish(self, data):
        pass

    def _listen(self):
        return iter(())


def _publisher(hub, monkeypatch, manager=None):
    sio = SocketIO(Flask(__name__), async_mode="threading", **({"client_manager": manager} if manager else {}))
    publisher = SocketPublisher(sio)
    publisher.bind(hub)
    publisher._started = True  # no flusher: only what publish itself does
    worked_out = []
    monkeypatch.setattr(publisher, "_emit_to_pad", lambda hub, event: worked_out.append(event.kind))
    monkeypatch.setattr(ratings, "has_pad", lambda hub, window_id: window_id == "w16")
    return publisher, sio, worked_out


def _events(hub):
    now = hub.now()
    return [TicketCalled(now, CLERK, 1, "w16", "police", {"number": "A001"}),
            TicketFinished(now, CLERK, 1, "w16", "police", {"number": "A001", "outcome": "completed"})]


def test_no_pad_connected_no_pad_message_worked_out(service_hub, monkeypatch):
    publisher, sio, worked_out = _publisher(service_hub, monkeypatch)
    publisher.publish(_events(service_hub))
    assert worked_out == []
    sio.server.manager.enter_room("pad-sid", names.RATING, names.rating_pad_room("w16"), eio_sid="pad-eio")
    publisher.publish(_events(service_hub))
    assert worked_out == ["ticket_called", "ticket_finished"]


def test_with_a_message_queue_the_pad_message_is_always_worked_out(service_hub, monkeypatch):
    publisher, _, worked_out = _publisher(service_hub, monkeypatch, _QueueOnly())
    publisher.publish(_events(service_hub))
    assert worked_out == ["ticket_called", "ticket_finished"]
