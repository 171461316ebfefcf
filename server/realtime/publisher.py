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

import socketio as socketio_pkg
from engineio import packet as eio_packet
from socketio import packet as sio_packet

from server.db.repositories.tickets import row_to_ticket
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

from . import direct_ws, names
from .dirty_bus import Dirty, LocalBus

log = logging.getLogger(__name__)
PAD_EVENTS = (TicketFinished, TicketRated, TicketCalled, WindowOpened, WindowClosed)
TICKETS_PER_TURN = 100  # phones sent their place between two turns given to requests
FORGET_EVERY = 10  # flushes between two looks for ticket rooms left empty
WINDOWS_READ_TOGETHER = 3  # from this many windows to refresh, all windows are read in one query


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
        # waiting ticket id → its ``ticket_changed`` with holes for its place and wait
        self._templates: dict[int, TicketTemplate] = {}
        # writes a phone's packet straight into its WebSocket (gevent-websocket only)
        self._direct = direct_ws.install(socketio.server.eio) if getattr(socketio, "server", None) else None
        # Ticket rooms sent a ``ticket_changed`` of their own (a call, here or on another
        # hub) since the flush began: its waiting line may have been read before that
        # change, and a phone must never get an older place after its call.
        self._overtaken: set[str] = set()
        self._flushes = 0
        manager = getattr(getattr(socketio, "server", None), "manager", None)
        if isinstance(getattr(manager, "emit_listeners", None), list):
            manager.emit_listeners.append(self._on_emit)
            if self._direct is not None and hasattr(manager, "local_writer"):
                manager.local_writer = self._write_to_room

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
            if (isinstance(event, PAD_EVENTS) and event.window_id and ratings.has_pad(hub, event.window_id)
                    and self._may_hear(names.RATING, names.rating_pad_room(event.window_id))):
                self._emit_to_pad(hub, event)
            self._mark(hub, event)

    def _emit_call(self, hub: Hub, event: DomainEvent, view: dict | None = None) -> None:
        payload = views.call_payload(hub, event.data["number"], event.window_id,
                                     isinstance(event, TicketRecalled), event.at)
        for room in (names.HALL_ROOM, names.zone_room(payload["zone_id"])):
            self._urgent(names.TICKET_CALLED, payload, names.DISPLAY, room)
        if view is not None:
            room = names.ticket_room(view["token"])
            self._sent_tickets.pop(room, None)
            self._overtaken.add(room)
            self._urgent(names.TICKET_CHANGED, view, names.TICKET, room)
            return
        with hub.reading() as repos:
            ticket = repos.tickets.get(event.ticket_id)
            if ticket is not None:
                room = names.ticket_room(ticket.token)
                self._sent_tickets.pop(room, None)
                self._overtaken.add(room)
                self._templates.pop(ticket.id, None)
                self._urgent(names.TICKET_CHANGED, views.ticket_view(hub, repos, ticket), names.TICKET, room)

    def _urgent(self, event: str, payload: dict, namespace: str, room: str) -> None:
        """A call's message to a room on every hub, at once: this hub's clients get it
        written straight into their WebSockets from the call's own request (no writer
        greenlet to wait for behind a flush's fan-out), the other hubs through the
        message queue. Without a direct writer, or with a message queue that is not
        ours, python-socketio's emit does both, as before; the bytes are the same."""
        manager = self.socketio.server.manager
        elsewhere = getattr(manager, "publish_elsewhere", None)
        if self._direct is None or (elsewhere is None and isinstance(manager, socketio_pkg.PubSubManager)):
            self.socketio.emit(event, payload, namespace=namespace, to=room)
            return
        self._write_to_room(event, payload, namespace, room)
        if elsewhere is not None:
            elsewhere(event, payload, namespace, room)

    def _write_to_room(self, event: str, payload, namespace: str, room: str) -> None:
        """An emit of JSON data to this hub's clients in a room, written as ``_write`` does
        (the bytes python-socketio's emit would send)."""
        members = self.socketio.server.manager.rooms.get(namespace, {}).get(room)
        if members:
            text = self.socketio.server.packet_class(sio_packet.EVENT, namespace=namespace,
                                                     data=[event, payload], binary=False).encode()
            self._write(("4" + text).encode(), members)

    def _emit_withdrawn(self, hub: Hub, event: DomainEvent) -> None:
        """A called ticket was sent to another queue: the hall stops showing that call."""
        window = hub.center.window(event.window_id)
        payload = {"number": event.data["number"], "window_id": window.id, "zone_id": window.zone_id}
        for room in (names.HALL_ROOM, names.zone_room(window.zone_id)):
            self.socketio.emit(names.CALL_WITHDRAWN, payload, namespace=names.DISPLAY, to=room)

    def _may_hear(self, namespace: str, room: str) -> bool:
        """Whether an emit to ``room`` may reach anyone: False only without a message
        queue (every client is this hub's) when none of this hub's clients is in it, so
        that what the message would need is not read for nobody (a pad's window whose pad
        is not connected)."""
        manager = getattr(getattr(self.socketio, "server", None), "manager", None)
        if manager is None or isinstance(manager, socketio_pkg.PubSubManager):
            return True
        rooms = getattr(manager, "rooms", None)
        if not isinstance(rooms, dict):
            return True
        return bool(rooms.get(namespace, {}).get(room))

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

    def _on_emit(self, event: str, namespace: str | None, room) -> None:
        """Every emit the message queue hands to this hub's clients (``CappedRedisManager``):
        a phone's own ``ticket_changed`` from another hub overtakes a flush in progress."""
        if event == names.TICKET_CHANGED and namespace == names.TICKET and isinstance(room, str):
            self._sent_tickets.pop(room, None)
            self._overtaken.add(room)

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
        """A derived message to this hub's clients in a room (``ignore_queue``: each hub
        sends its own): encoded once, without python-socketio's search of the payload for
        binary parts (views are JSON), written as ``_write`` does."""
        members = self.socketio.server.manager.rooms.get(namespace, {}).get(room)
        if members:
            text = self.socketio.server.packet_class(sio_packet.EVENT, namespace=namespace,
                                                     data=[event, payload], binary=False).encode()
            self._write(("4" + text).encode(), members)
        # A flush may send hundreds of messages: let requests (a call-next) run between them.
        self.socketio.sleep(0)

    def flush(self) -> None:
        hub = self.hub
        with self._lock:
            local, remote = self._local, self._remote
            self._local, self._remote = DirtySet(), DirtySet()
        if hub is None or not (local or remote):
            return
        # Before anything is read: a call committed after this has its own message out.
        self._overtaken = set()
        if local:
            self.bus.broadcast(local.as_dict())
        local.merge(remote.as_dict())
        dirty = local
        with hub.reading() as repos:
            if dirty.queues:
                self._flush_queues(hub, repos)
            display_rooms = self._local_rooms(names.DISPLAY)
            counter_rooms = self._local_rooms(names.COUNTER)
            panels = [w for w in sorted(dirty.windows) if names.panel_room(w) in display_rooms]
            counters = [w for w in sorted(dirty.windows)
                        if names.window_room(w) in counter_rooms and w in hub.center.windows]
            # Many windows at once (every window of a called queue): read them together.
            moment = views.WindowsMoment(repos) if len(panels) + len(counters) >= WINDOWS_READ_TOGETHER else None
            for window_id in panels:
                self._send(names.WINDOW_PANEL, views.window_panel(hub, repos, window_id, moment=moment),
                           names.DISPLAY, names.panel_room(window_id))
            for window_id in counters:
                self._send(names.WINDOW_STATE, views.window_state(hub, repos, window_id, moment=moment),
                           names.COUNTER, names.window_room(window_id))
            self._flush_tickets(hub, repos, dirty)

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
        rooms = self.socketio.server.manager.rooms.get(names.TICKET, {})
        self._flushes += 1
        if self._flushes % FORGET_EVERY == 0:  # a newcomer's sid is new anyway: only memory
            for room in [r for r in list(self._sent_tickets) if not rooms.get(r)]:
                self._sent_tickets.pop(room, None)  # nobody there now
        if len(self._templates) > 2 * len(rooms) + 100:
            self._templates = {k: v for k, v in self._templates.items() if rooms.get(v.room)}
        for ticket_id in dirty.tickets:
            self._templates.pop(ticket_id, None)  # the ticket itself changed: encode it afresh
        if not any(rooms.values()):
            return
        sent: set[int] = set()
        now = hub.now()
        local_now = now.astimezone(hub.tz)
        day = hub.today(now)
        count = 0
        for queue_id in sorted(dirty.queues):
            # Everyone waiting in a changed queue may have moved up: one light query per
            # queue (the key columns of its line, in calling order); a ticket is read whole
            # and encoded only when this hub has not encoded it yet, or it changed.
            line = []
            for ahead, row in enumerate(repos.tickets.waiting_rows([queue_id], day, now=now, light=True)):
                room = names.ticket_room(row[1])
                members = rooms.get(room)
                if members:
                    line.append((ahead, tuple(row), room, members))
            if not line:
                continue
            moment = views.QueueMoment(hub, repos, queue_id, local_now)
            shared = (moment.windows, tuple(moment.note.items()))
            wait = moment.wait
            rows = None
            for ahead, key, room, members in line:
                sent.add(key[0])
                if room in self._overtaken:
                    continue  # called since the line was read: its own message went out
                template = self._templates.get(key[0])
                if template is None or template.key != key or template.shared != shared:
                    if rows is None:
                        rows = {r.id: r for r in repos.tickets.waiting_rows([queue_id], day, now=now)}
                    row = rows.get(key[0])
                    ticket = row_to_ticket(row) if row is not None else repos.tickets.get(key[0])
                    if ticket is None:
                        continue
                    template = self._template_of(hub, repos, ticket, ahead, key, shared, room, moment)
                    if not isinstance(template, TicketTemplate):  # encoded whole: see _template_of
                        count += self._send_ticket(room, template, members)
                        continue
                estimated = wait(ahead)
                count += self._deliver(room, (template, ahead, estimated), template.payload(ahead, estimated),
                                       members)
                if count >= TICKETS_PER_TURN:
                    count = 0
                    self.socketio.sleep(0)
        for ticket_id in sorted(dirty.tickets - sent):
            ticket = repos.tickets.get(ticket_id)
            if ticket is None:
                continue
            room = names.ticket_room(ticket.token)
            members = rooms.get(room)
            if members:
                self._send_ticket(room, self._encode(views.ticket_view(hub, repos, ticket)), members)
                self.socketio.sleep(0)

    def _encode(self, view: dict) -> str:
        """The Socket.IO text of ``ticket_changed`` with this ticket (a ticket's JSON has no
        binary parts, so python-socketio's search of the payload for them is skipped)."""
        return self.socketio.server.packet_class(sio_packet.EVENT, namespace=names.TICKET,
                                                 data=[names.TICKET_CHANGED, view], binary=False).encode()

    def _template_of(self, hub: Hub, repos, ticket, ahead: int, key: tuple, shared: tuple, room: str,
                     moment) -> TicketTemplate | str:
        """A waiting ticket's ``ticket_changed`` as a template (kept), or its text (not
        kept) for a pickup ticket (its case) or a booked one (its appointment), which are
        read afresh every time."""
        view = views.ticket_view(hub, repos, ticket, ahead=ahead, moment=moment)
        if ticket.queue_id == hub.center.rules.pickup_queue or view.get("appointment") is not None:
            self._templates.pop(ticket.id, None)
            return self._encode(view)
        view["ahead"], view["estimated_wait_s"] = _AHEAD_MARK, _WAIT_MARK
        template = TicketTemplate.of(self._encode(view), key, shared, room)
        if template is None:  # a marker's digits elsewhere in the ticket: no template
            view["ahead"], view["estimated_wait_s"] = ahead, moment.wait(ahead)
            self._templates.pop(ticket.id, None)
            return self._encode(view)
        self._templates[ticket.id] = template
        return template

    def _send_ticket(self, room: str, text: str, members) -> bool:
        """``ticket_changed`` (its Socket.IO text) to this hub's phones in one ticket's room."""
        return self._deliver(room, text, ("4" + text).encode(), members)

    def _deliver(self, room: str, sent_as, payload: bytes, members) -> bool:
        """An encoded Engine.IO message (``payload``: ``4`` + the Socket.IO text) to the
        phones in one ticket's room, unless every one of them already has exactly this
        (``sent_as``: the text, or a template's numbers; a finish elsewhere in the queue
        moves nobody up).

        Each phone of a waiting line gets its own place, so nothing is shared between
        them."""
        last = self._sent_tickets.get(room)
        sids = members.keys()  # the room's bidict's own dict: no Python-level iteration
        if last is not None and last[0] == sent_as and sids <= last[1]:
            return False
        self._write(payload, members)
        self._sent_tickets[room] = (sent_as, frozenset(sids))
        return True

    def _write(self, payload: bytes, members) -> None:
        """An encoded Engine.IO message (``4`` + the Socket.IO text) to a room's members
        (sid → Engine.IO sid): straight into each one's WebSocket when nothing is queued
        for it (``direct_ws``), otherwise handed to Engine.IO as python-socketio's own emit
        does (the same bytes either way)."""
        direct = self._direct
        message = None
        for _, eio_sid in members.items():
            if direct is None or not direct.send(eio_sid, payload):
                if message is None:
                    message = eio_packet.Packet(eio_packet.MESSAGE, payload[1:].decode())
                self.socketio.server._send_eio_packet(eio_sid, message)


class TicketTemplate:
    """A waiting ticket's encoded ``ticket_changed`` with holes for ``ahead`` and
    ``estimated_wait_s``, the only fields that change between two calls: encoded once
    with two markers where they go, the numbers put in for each call give the same text
    as encoding the ticket again. Kept while its key columns (``key``), its queue's
    windows and service note (``shared``) stay the same and no event of the ticket
    itself comes."""

    __slots__ = ("key", "shared", "room", "before", "between", "after", "ahead_first")

    @classmethod
    def of(cls, text: str, key: tuple, shared: tuple, room: str) -> TicketTemplate | None:
        """From the text encoded with the markers; None unless each is there exactly once."""
        a, w = str(_AHEAD_MARK), str(_WAIT_MARK)
        if text.count(a) != 1 or text.count(w) != 1:
            return None
        template = cls()
        template.key, template.shared, template.room = key, shared, room
        ia, iw = text.index(a), text.index(w)
        first, second = (a, w) if ia < iw else (w, a)
        i, j = min(ia, iw), max(ia, iw)
        template.before = ("4" + text[:i]).encode()  # with Engine.IO's MESSAGE type
        template.between = text[i + len(first):j].encode()
        template.after = text[j + len(second):].encode()
        template.ahead_first = ia < iw
        return template

    def payload(self, ahead: int, estimated: int) -> bytes:
        a, b = (ahead, estimated) if self.ahead_first else (estimated, ahead)
        return b"%b%d%b%d%b" % (self.before, a, self.between, b, self.after)


# Where ``ahead`` and ``estimated_wait_s`` go in a waiting ticket's encoded text: numbers
# no ticket has, replaced by the real ones (``TicketTemplate``).
_AHEAD_MARK = -918_273_645_546_372_811
_WAIT_MARK = -918_273_645_546_372_822
