"""The hub of this request and its caller's credentials, read the same way in every route
(bodies and query strings: ``validation.py``)."""

from __future__ import annotations

from flask import current_app, request

from server.queueing.actors import Actor
from server.services.accounts import authenticate_device, authenticate_token, require_role
from server.services.errors import AuthenticationError
from server.services.hub import Hub


def hub() -> Hub:
    return current_app.extensions["yimen"]


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def staff(*roles: str) -> Actor:
    """The logged-in staff member; 401 without a valid token, 403 without the role."""
    actor = authenticate_token(hub(), bearer_token())
    if roles:
        require_role(actor, *roles)
    return actor


def kiosk_or_staff() -> tuple[Actor, str | None]:
    """A kiosk (``X-Device-Key``) or any logged-in staff member."""
    key = request.headers.get("X-Device-Key")
    if key is not None:  # sent, even empty: it must be a kiosk's key
        device = authenticate_device(hub(), key, kind="kiosk")
        return device.actor(), str(device.id)
    if bearer_token():
        return staff(), None
    raise AuthenticationError("a kiosk device key (X-Device-Key) or a staff token is required")
