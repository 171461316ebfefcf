"""The ``/manager`` namespace: managers' dashboards, live.

Connect with ``auth`` ``{token}``: the bearer token of a manager or admin. On connect
the client receives a ``dashboard`` snapshot (and every active alert in it); the first
manager starts the hub's monitor (``server/services/reporting/monitor.py``), which
sends a fresh ``dashboard`` every few seconds and an ``alert`` whenever a threshold is
crossed or cleared, through the publisher. The snapshot on connect is the only direct
``emit``, as in every namespace.
"""

from __future__ import annotations

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, Namespace, emit, join_room

from server.services.accounts.users import authenticate_token, require_role
from server.services.errors import ServiceError

from . import names
from .revocation_watch import watch


class ManagerNamespace(Namespace):
    """Managers' dashboards. ``auth``: ``{token}`` of a manager or admin."""

    def on_connect(self, auth=None):
        hub = current_app.extensions["yimen"]
        token = auth.get("token") if isinstance(auth, dict) else None
        try:
            actor = authenticate_token(hub, token)
            require_role(actor, "manager", "supervisor", "admin")
        except ServiceError as exc:
            raise ConnectionRefusedError(exc.message) from None
        watch().token(request.sid, names.MANAGER, token)
        join_room(names.MANAGERS_ROOM)
        emit(names.DASHBOARD, hub.monitor.snapshot())
        hub.monitor.start()

    def on_disconnect(self, *args):
        watch().forget(request.sid, names.MANAGER)


def register(socketio) -> None:
    socketio.on_namespace(ManagerNamespace(names.MANAGER))
