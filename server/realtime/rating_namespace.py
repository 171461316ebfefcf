"""The ``/rating`` namespace: rating pads (好差评), one tablet per window, facing the visitor.

``auth``: ``{key}`` of a ``rating_pad`` device. On connect the pad joins its window's room
and receives ``pad_state`` (window, clerk on duty, a pending request); the publisher then
sends ``rating_requested`` when the window finishes a ticket and ``rating_closed`` when
that ticket is rated or the window calls the next one.
"""

from __future__ import annotations

from flask import current_app
from flask_socketio import ConnectionRefusedError, Namespace, emit, join_room

from server.services.accounts.users import authenticate_device
from server.services.errors import ServiceError
from server.services.feedback.ratings import PAD_KIND, pad_state, pad_window

from . import names


class RatingNamespace(Namespace):
    def on_connect(self, auth=None):
        hub = current_app.extensions["yimen"]
        key = auth.get("key") if isinstance(auth, dict) else None
        try:
            pad = authenticate_device(hub, key, kind=PAD_KIND)
            window_id = pad_window(hub, pad)
        except ServiceError as exc:
            raise ConnectionRefusedError(exc.message) from None
        join_room(names.rating_pad_room(window_id))
        with hub.reading() as repos:
            emit(names.PAD_STATE, pad_state(hub, repos, window_id))
