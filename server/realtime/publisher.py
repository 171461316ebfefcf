"""The one owner of emits: turns committed domain events into Socket.IO messages.

Two kinds of message:

* Urgent ones go out at once, through the message queue when there is one, so they
  reach clients on every hub: ``ticket_called`` to the hall and the called visitor's
  ``ticket_changed``.
* Derived ones (queue lengths, counters' window states, waiting visitors' places) are
  marked dirty and sent by a flusher every ``flush_interval_s``: a burst of a thousand
  tickets costs a few summaries instead of a thousand. Each hub computes them only for
  the clients connected to it and sends them directly (``ignore_queue``); it learns what
  changed on other hubs through the dirty bus.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from engineio import packet as eio_packet
from socketio import packet as sio_packet

from server.queueing.events import (
    DomainEvent,
    TicketCalled,
    TicketFinished,
    TicketRecalled,
    TicketTransferred,
    WindowClosed,
    WindowOpened,
)
from server.queueing.ratings import TicketRated
from server.services import views
from server.services.feedback import ratings
from server.services.hub import Hub

from . import names
from .dirty_bus import Dirty, LocalBus

log = logging.getLogger(__name__)
PAD_EVENTS = (TicketFinished, TicketRated, TicketCalled, WindowOpened, WindowClosed)
TICKETS_PER_TURN = 50  # phones sent their place between two turns given to requests


class DirtySet:
    """Queues, windows and tickets whose derived views must be refreshed."""

    def __init__(self) -> None:
        self.queues: set[str] = set()
        self.windows: set[str] = set()
        self.tickets: set[int] = set()

    def __bool__(self) -> bool:
        return bool(self.queues or self.windows or self.tickets)

    def merge(self, other: Dirty) -> None:
        self.queues.update(other.get("queues", ()))
        self.windows.update(other.get("windows", ()))
        self.tickets.update(other.get("tickets", ()))

    def as_dict(self) -> Dirty:
        return {"queues": sorted(self.queues), "windows": sorted(self.windows),
                "tickets": sorted(self.tickets)}


class SocketPublisher:
    takes_views = True  # publish(events, views=...): see Hub.publish

    def __init__(self, socketio, flush_interval_s: float = 0.1, bus=None) -> None:
        self.socketio = socketio
        self.flush_interval_s = flush_interval_s
        self.bus = bus or LocalBus()
        self.hub: Hub | None = None
        self._lock = threading.Lock()
        self._local = DirtySet()  # changed here: to refresh and to tell the other hubs
        self._remote = DirtySet()  # changed on another hub: to refresh only
        self._started = False
        # ticket room → (the ticket_changed last sent there, encoded; the sids it went to)
        self._sent_tickets: dict[str, tuple[str, frozenset]] = {}

    def bind(self, hub: Hub) -> None:
        self.hub = hub

    def start(self) -> None:
        """Start the flusher and the dirty-bus listener (once)."""
        if self._started:
            return
        self._started = True
        self.socketio.start_background_task(self._run)
        self.bus.start(self._on_remote_dirty, self.socketio.start_background_task,
                       self.hub.stopping if self.hub else None)

    # --- called by the services, after commit ---------------------------------------------
    def publish(self, events: Iterable[DomainEvent], *, views: dict[int, dict] | None = None) -> None:
        """``views``: ticket id → the ticket's JSON as the change left it (the answer's),
        so that a call's ``ticket_changed`` needs no read of the ticket."""
        hub = self.hub
        if hub is None:
            return
        self.start()
        for event in events:
            if isinstance(event, TicketCalled | TicketRecalled):
                self._emit_call(hub, event, views.get(event.ticket_id) if views else None)
            if isinstance(event, TicketTransferred) and event.window_id in hub.center.windows:
                self._emit_withdrawn(hub, event)
            if isinstance(event, PAD_EVENTS) and event.window_id and ratings.has_pad(hub, event.window_id):
                self._emit_to_pad(hub, event)
            self._mark(hub, event)

    def _emit_call(self, hub: Hub, event: DomainEvent, view: dict | None = None) -> None:
        payload = views.call_payload(hub, event.data["number"], event.window_id,
                                     isinstance(event, TicketRecalled), event.at)
        for room in (names.HALL_ROOM, names.zone_room(payload["zone_id"])):
            self.socketio.emit(names.TICKET_CALLED, payload, namespace=names.DISPLAY, to=room)
        if view is not None:
            room = names.ticket_room(view["token"])
            self._sent_tickets.pop(room, None)
            self.socketio.emit(names.TICKET_CHANGED, view, namespace=names.TICKET, to=room)
            return
        with hub.reading() as repos:
            ticket = repos.tickets.get(event.ticket_id)
            if ticket is not None:
                room = names.ticket_room(ticket.token)
                self._sent_tickets.pop(room, None)
                self.socketio.emit(names.TICKET_CHANGED, views.ticket_view(hub, repos, ticket),
                                   namespace=names.TICKET, to=room)

    def _emit_withdrawn(self, hub: Hub, event: DomainEvent) -> None:
        """A called ticket was sent to another queue: the hall stops showing that call."""
        window = hub.center.window(event.window_id)
        payload = {"number": event.data["number"], "window_id": window.id, "zone_id": window.zone_id}
        for room in (names.HALL_ROOM, names.zone_room(window.zone_id)):
            self.socketio.emit(names.CALL_WITHDRAWN, payload, namespace=names.DISPLAY, to=room)

    def _emit_to_pad(self, hub: Hub, event: DomainEvent) -> None:
        """好差评 pads: ask for a rating when their window finishes a ticket; close the
        request when it is rated or the window calls the next; the clerk on duty changed."""
        room = names.rating_pad_room(event.window_id)
        with hub.reading() as repos:
            if isinstance(event, TicketFinished):
                ticket = repos.tickets.get(event.ticket_id)
                message = (names.RATING_REQUESTED, ratings.rating_request(hub, repos, ticket))
            elif isinstance(event, TicketRated):
                message = (names.RATING_CLOSED, {"token": event.data["token"], "rated": True})
            elif isinstance(event, TicketCalled):
                last = repos.rating_pads.last_finished(event.window_id, hub.today())
                if last is None:
                    return
                message = (names.RATING_CLOSED, {"token": last.token, "rated": False})
            else:
                message = (names.PAD_STATE, ratings.pad_state(hub, repos, event.window_id))
        self.socketio.emit(*message, namespace=names.RATING, to=room)

    def _mark(self, hub: Hub, event: DomainEvent) -> None:
        center = hub.center
        queues = {event.queue_id} if event.queue_id else set()
        if isinstance(event, TicketTransferred):
            queues.add(event.data.get("from_queue"))
        if event.window_id and event.window_id in center.windows and event.ticket_id is None:
            queues.update(center.window(event.window_id).queue_ids)  # opened, closed, paused
        queues = {q for q in queues if q in center.queues}
        windows = {event.window_id} if event.window_id else set()
        for queue_id in queues:
            windows.update(center.queue(queue_id).window_ids)
        with self._lock:
            self._local.queues |= queues
            self._local.windows |= windows
            if event.ticket_id is not None and not isinstance(event, TicketCalled | TicketRecalled):
                self._local.tickets.add(event.ticket_id)

    def _on_remote_dirty(self, dirty: Dirty) -> None:
        if dirty.get("access_changed") and self.hub is not None:
            self.hub.access.clear()  # another hub revoked someone: check credentials afresh
        with self._lock:
            self._remote.merge(dirty)

    def access_changed(self) -> None:
        """This hub ended or granted access: the other hubs forget their checked credentials."""
        self.bus.broadcast({"access_changed": True})

    # --- messages that are not domain events -------------------------------------------
    def send_to_device(self, device_id: int | str, event: str, payload: dict) -> None:
        """A message for one kiosk (its page and its agent), e.g. a print job."""
        self.socketio.emit(event, payload, namespace=names.KIOSK, to=names.device_room(device_id))

    def alert(self, payload: dict, *, local: bool = False) -> None:
        """An alert for every connected manager (printer out of paper, long waits, ...)."""
        self.to_managers(names.ALERT, payload, local=local)

    def to_managers(self, event: str, payload, *, local: bool = False) -> None:
        """To managers on every hub; ``local``: only to this hub's managers (what every hub
        computes for itself, such as the dashboard, so nobody receives it twice)."""
        self.socketio.emit(event, payload, namespace=names.MANAGER, to=names.MANAGERS_ROOM,
                           ignore_queue=local)

    # --- the flusher ------------------------------------------------------------------------
    def _run(self) -> None:
        while self.hub is None or not self.hub.stopping.is_set():
            self.socketio.sleep(self.flush_interval_s)
            try:
                self.flush()
            except Exception:  # noqa: BLE001 - a bad flush must not stop later ones
                log.exception("flushing realtime updates failed")

    def _local_rooms(self, namespace: str) -> set[str]:
        """Rooms of this namespace with at least one client connected to this hub."""
        rooms = self.socketio.server.manager.rooms.get(namespace, {})
        return {room for room, members in list(rooms.items()) if room and members}

    def _send(self, event: str, payload, namespace: str, room: str) -> None:
        self.socketio.emit(event, payload, namespace=namespace, to=room, ignore_queue=True)
        # A flush may send hundreds of messages: let requests (a call-next) run between them.
        self.socketio.sleep(0)

    def flush(self) -> None:
        hub = self.hub
        with self._lock:
            local, remote = self._local, self._remote
            self._local, self._remote = DirtySet(), DirtySet()
        if hub is None or not (local or remote):
            return
        if local:
            self.bus.broadcast(local.as_dict())
        local.merge(remote.as_dict())
        dirty = local
        with hub.reading() as repos:
            if dirty.queues:
                self._flush_queues(hub, repos)
            self._flush_panels(hub, repos, dirty)
            counter_rooms = self._local_rooms(names.COUNTER)
            for window_id in sorted(dirty.windows):
                room = names.window_room(window_id)
                if room in counter_rooms and window_id in hub.center.windows:
                    self._send(names.WINDOW_STATE, views.window_state(hub, repos, window_id),
                               names.COUNTER, room)
            self._flush_tickets(hub, repos, dirty)

    def _flush_panels(self, hub: Hub, repos, dirty: DirtySet) -> None:
        display_rooms = self._local_rooms(names.DISPLAY)
        for window_id in sorted(dirty.windows):
            room = names.panel_room(window_id)
            if room in display_rooms:
                self._send(names.WINDOW_PANEL, views.window_panel(hub, repos, window_id),
                           names.DISPLAY, room)

    def _flush_queues(self, hub: Hub, repos) -> None:
        display_rooms = self._local_rooms(names.DISPLAY)
        if not display_rooms:
            return
        summaries = views.queue_summaries(hub, repos)
        if names.HALL_ROOM in display_rooms:
            self._send(names.QUEUES_CHANGED, summaries, names.DISPLAY, names.HALL_ROOM)
        for zone_id in hub.center.zones:
            room = names.zone_room(zone_id)
            if room in display_rooms:
                served = views.zone_queue_ids(hub, zone_id)
                self._send(names.QUEUES_CHANGED, [s for s in summaries if s["id"] in served],
                           names.DISPLAY, room)

    def _flush_tickets(self, hub: Hub, repos, dirty: DirtySet) -> None:
        ticket_rooms = self._local_rooms(names.TICKET)
        for room in [r for r in list(self._sent_tickets) if r not in ticket_rooms]:
            self._sent_tickets.pop(room, None)  # nobody there now: a newcomer gets its snapshot
        if not ticket_rooms:
            return
        sent: set[int] = set()
        now = hub.now()
        local_now = now.astimezone(hub.tz)
        count = 0
        for queue_id in sorted(dirty.queues):
            # Everyone waiting in a changed queue may have moved up: one query per queue,
            # and what they all share (load, windows, service note) worked out once.
            moment = None
            for ahead, ticket in enumerate(repos.tickets.waiting([queue_id], hub.today(now), now=now)):
                room = names.ticket_room(ticket.token)
                if room in ticket_rooms:
                    sent.add(ticket.id)
                    if moment is None:
                        moment = views.QueueMoment(hub, repos, queue_id, local_now)
                    count += self._send_ticket(room, views.ticket_view(hub, repos, ticket, ahead=ahead,
                                                                       moment=moment))
                    if count >= TICKETS_PER_TURN:
                        count = 0
                        self.socketio.sleep(0)
        for ticket_id in sorted(dirty.tickets - sent):
            ticket = repos.tickets.get(ticket_id)
            if ticket is not None and names.ticket_room(ticket.token) in ticket_rooms:
                self._send_ticket(names.ticket_room(ticket.token), views.ticket_view(hub, repos, ticket))
                self.socketio.sleep(0)

    def _send_ticket(self, room: str, view: dict) -> bool:
        """``ticket_changed`` to this hub's phones in one ticket's room, unless every one of
        them already has exactly this (a finish elsewhere in the queue moves nobody up).

        The phones of a waiting line each get their own place, so nothing is shared
        between them: the packet is encoded once, here, and handed to Engine.IO for each
        phone in the room, as python-socketio's own emit does for a room, without its
        search of the payload for binary parts (a ticket's JSON has none)."""
        server = self.socketio.server
        members = list(server.manager.get_participants(names.TICKET, room))
        if not members:
            return False
        sids = frozenset(sid for sid, _ in members)
        text = server.packet_class(sio_packet.EVENT, namespace=names.TICKET,
                                   data=[names.TICKET_CHANGED, view], binary=False).encode()
        last = self._sent_tickets.get(room)
        if last is not None and last[0] == text and sids <= last[1]:
            return False
        message = eio_packet.Packet(eio_packet.MESSAGE, text)
        for _, eio_sid in members:
            server._send_eio_packet(eio_sid, message)
        self._sent_tickets[room] = (text, sids)
        return True
