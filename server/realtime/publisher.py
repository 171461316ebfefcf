"""The one owner of emits: turns committed domain events into Socket.IO messages.

Calls are urgent: ``ticket_called`` to the hall and the called visitor's
``ticket_changed`` go out at once. Everything derived (queue lengths, counters'
waiting lists, the places of waiting visitors) is marked dirty and sent by a flusher a
moment later, so a burst of a thousand tickets costs a few summaries instead of a
thousand. Several hubs: Flask-SocketIO's message queue carries each emit to all.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from server.queueing.events import DomainEvent, TicketCalled, TicketRecalled, TicketTransferred
from server.services import views
from server.services.hub import Hub

from . import names

log = logging.getLogger(__name__)

WAITING_UPDATES_PER_QUEUE = 200


class SocketPublisher:
    def __init__(self, socketio, flush_interval_s: float = 0.1) -> None:
        self.socketio = socketio
        self.flush_interval_s = flush_interval_s
        self.hub: Hub | None = None
        self._lock = threading.Lock()
        self._queues: set[str] = set()
        self._windows: set[str] = set()
        self._tickets: set[int] = set()
        self._flusher_started = False

    def bind(self, hub: Hub) -> None:
        self.hub = hub

    # --- called by the services, after commit ---------------------------------------------
    def publish(self, events: Iterable[DomainEvent]) -> None:
        hub = self.hub
        if hub is None:
            return
        for event in events:
            if isinstance(event, TicketCalled | TicketRecalled):
                self._emit_call(hub, event)
            self._mark(hub, event)
        self._ensure_flusher()

    def _emit_call(self, hub: Hub, event: DomainEvent) -> None:
        payload = views.call_payload(hub, event.data["number"], event.window_id,
                                     isinstance(event, TicketRecalled), event.at)
        self.socketio.emit(names.TICKET_CALLED, payload, namespace=names.DISPLAY,
                           to=names.HALL_ROOM)
        self.socketio.emit(names.TICKET_CALLED, payload, namespace=names.DISPLAY,
                           to=names.zone_room(payload["zone_id"]))
        with hub.reading() as repos:
            ticket = repos.tickets.get(event.ticket_id)
            if ticket is not None:
                self.socketio.emit(names.TICKET_CHANGED, views.ticket_view(hub, repos, ticket),
                                   namespace=names.TICKET, to=names.ticket_room(ticket.token))
        with self._lock:
            self._tickets.discard(event.ticket_id)

    def _mark(self, hub: Hub, event: DomainEvent) -> None:
        queues = set()
        if event.queue_id:
            queues.add(event.queue_id)
        if isinstance(event, TicketTransferred):
            queues.add(event.data.get("from_queue"))
        queues.discard(None)
        windows = {event.window_id} if event.window_id else set()
        for queue_id in queues:
            queue = hub.center.queues.get(queue_id)
            if queue:
                windows.update(queue.window_ids)
        if event.window_id and not queues:
            # a window opened, closed, paused: its queues' estimates changed
            window = hub.center.windows.get(event.window_id)
            if window:
                queues.update(window.queue_ids)
                for queue_id in window.queue_ids:
                    windows.update(hub.center.queue(queue_id).window_ids)
        with self._lock:
            self._queues |= queues
            self._windows |= windows
            if event.ticket_id is not None and not isinstance(event, TicketCalled | TicketRecalled):
                self._tickets.add(event.ticket_id)

    # --- messages that are not domain events -------------------------------------------
    def send_to_device(self, device_id: int | str, event: str, payload: dict) -> None:
        """A message for one kiosk (its page and its agent), e.g. a print job."""
        self.socketio.emit(event, payload, namespace=names.KIOSK, to=names.device_room(device_id))

    def alert(self, payload: dict) -> None:
        """An alert for every connected manager (printer out of paper, long waits, ...)."""
        self.socketio.emit(names.ALERT, payload, namespace=names.MANAGER, to=names.MANAGERS_ROOM)

    def to_managers(self, event: str, payload) -> None:
        self.socketio.emit(event, payload, namespace=names.MANAGER, to=names.MANAGERS_ROOM)

    # --- the flusher ------------------------------------------------------------------------
    def _ensure_flusher(self) -> None:
        if not self._flusher_started:
            self._flusher_started = True
            self.socketio.start_background_task(self._run)

    def _run(self) -> None:
        while True:
            self.socketio.sleep(self.flush_interval_s)
            try:
                self.flush()
            except Exception:  # noqa: BLE001 - a bad flush must not stop later ones
                log.exception("flushing realtime updates failed")

    def flush(self) -> None:
        hub = self.hub
        with self._lock:
            queues, windows, tickets = self._queues, self._windows, self._tickets
            self._queues, self._windows, self._tickets = set(), set(), set()
        if hub is None or not (queues or windows or tickets):
            return
        with hub.reading() as repos:
            if queues:
                self._emit_queues(hub, repos)
            for window_id in sorted(windows):
                self.socketio.emit(names.WINDOW_STATE, views.window_state(hub, repos, window_id),
                                   namespace=names.COUNTER, to=names.window_room(window_id))
            sent = set()
            for queue_id in sorted(queues):
                waiting = views.waiting_views(hub, repos, [queue_id], WAITING_UPDATES_PER_QUEUE)
                for ticket in waiting:
                    sent.add(ticket["id"])
                    self.socketio.emit(names.TICKET_CHANGED, ticket, namespace=names.TICKET,
                                       to=names.ticket_room(ticket["token"]))
            for ticket_id in tickets - sent:
                ticket = repos.tickets.get(ticket_id)
                if ticket is not None:
                    self.socketio.emit(names.TICKET_CHANGED, views.ticket_view(hub, repos, ticket),
                                       namespace=names.TICKET, to=names.ticket_room(ticket.token))

    def _emit_queues(self, hub: Hub, repos) -> None:
        summaries = views.queue_summaries(hub, repos)
        self.socketio.emit(names.QUEUES_CHANGED, summaries, namespace=names.DISPLAY,
                           to=names.HALL_ROOM)
        for zone_id in hub.center.zones:
            zone_queues = {q.id for q in hub.center.queues.values()
                           if any(hub.center.window(w).zone_id == zone_id for w in q.window_ids)}
            self.socketio.emit(names.QUEUES_CHANGED, [s for s in summaries if s["id"] in zone_queues],
                               namespace=names.DISPLAY, to=names.zone_room(zone_id))
