"""Socket.IO namespaces: check the connect ``auth``, join the right room, send a snapshot."""

from __future__ import annotations

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, Namespace, emit, join_room

from server.queueing.errors import QueueingError
from server.services import views
from server.services.accounts.users import authenticate_token
from server.services.errors import ServiceError

from . import names
from .revocation_watch import watch


def _hub():
    return current_app.extensions["yimen"]


def _auth_dict(auth) -> dict:
    if auth is None:
        return {}
    if not isinstance(auth, dict):
        raise ConnectionRefusedError("auth must be an object")
    return auth


class DisplayNamespace(Namespace):
    """Hall screens. ``auth``: ``{zone?}``; without a zone the whole hall.

    *(addition)* ``{window}``: the panel above one window; it receives ``window_panel``
    (on connect and on every change of that window) besides the hall's events.
    """

    def on_connect(self, auth=None):
        hub = _hub()
        auth = _auth_dict(auth)
        zone_id = auth.get("zone")
        window_id = auth.get("window")
        if zone_id is not None and zone_id not in hub.center.zones:
            raise ConnectionRefusedError(f"unknown zone {zone_id!r}")
        if window_id is not None and window_id not in hub.center.windows:
            raise ConnectionRefusedError(f"unknown window {window_id!r}")
        join_room(names.zone_room(zone_id) if zone_id else names.HALL_ROOM)
        with hub.reading() as repos:
            emit(names.HALL_STATE, views.hall_state(hub, repos, zone_id))
            if window_id is not None:
                join_room(names.panel_room(window_id))
                emit(names.WINDOW_PANEL, views.window_panel(hub, repos, window_id))


class TicketNamespace(Namespace):
    """A visitor's phone. ``auth``: ``{token}`` of their ticket."""

    def on_connect(self, auth=None):
        hub = _hub()
        token = _auth_dict(auth).get("token")
        if not isinstance(token, str) or not token:
            raise ConnectionRefusedError("auth.token is required")
        with hub.reading() as repos:
            ticket = repos.tickets.get_by_token(token)
            if ticket is None:
                raise ConnectionRefusedError("unknown ticket")
            join_room(names.ticket_room(token))
            emit(names.TICKET_CHANGED, views.ticket_view(hub, repos, ticket))


class CounterNamespace(Namespace):
    """A clerk's terminal. ``auth``: ``{token, window_id}`` with a staff bearer token."""

    def on_connect(self, auth=None):
        hub = _hub()
        auth = _auth_dict(auth)
        window_id = auth.get("window_id")
        try:
            authenticate_token(hub, auth.get("token"))
            if not isinstance(window_id, str):
                raise ConnectionRefusedError("auth.window_id is required")
            hub.center.window(window_id)
        except (ServiceError, QueueingError) as exc:
            raise ConnectionRefusedError(exc.message) from None
        watch().token(request.sid, names.COUNTER, auth["token"])
        join_room(names.window_room(window_id))
        with hub.reading() as repos:
            emit(names.WINDOW_STATE, views.window_state(hub, repos, window_id))
        current_app.logger.debug("counter %s connected for %s", request.sid, window_id)

    def on_disconnect(self, *args):
        watch().forget(request.sid, names.COUNTER)


def register(socketio) -> None:
    socketio.on_namespace(DisplayNamespace(names.DISPLAY))
    socketio.on_namespace(TicketNamespace(names.TICKET))
    socketio.on_namespace(CounterNamespace(names.COUNTER))

    from .kiosk_namespace import KioskNamespace

    socketio.on_namespace(KioskNamespace(names.KIOSK))

    from .manager_namespace import register as register_manager

    register_manager(socketio)

    from .rating_namespace import RatingNamespace

    socketio.on_namespace(RatingNamespace(names.RATING))
