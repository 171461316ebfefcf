"""The hub of this request and its caller's credentials, read the same way in every route
(bodies and query strings: ``validation.py``)."""

from __future__ import annotations

from flask import current_app, g, request

from server.queueing.actors import Actor
from server.services.accounts.users import (
    DeviceIdentity,
    authenticate_device,
    authenticate_token,
    require_role,
)
from server.services.errors import AuthenticationError, ForbiddenError
from server.services.hub import Hub

# The objects behind Flask's proxies, taken once where a helper reads them: every attribute
# read through a proxy (``request.headers``, ``g.get``) resolves the context again (~1.5 µs
# here), ``_get_current_object()`` (Flask's documented way to the object) ~0.2 µs. Outside
# a request they raise the same RuntimeError as the proxies.
current_request = request._get_current_object
current_g = g._get_current_object
current_flask_app = current_app._get_current_object


def hub() -> Hub:
    return current_flask_app().extensions["yimen"]


def bearer_token() -> str | None:
    header = current_request().headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def staff(*roles: str) -> Actor:
    """The logged-in staff member; 401 without a valid token, 403 without the role.
    Checked against the database once per request (a revoked token fails at once)."""
    store = current_g()
    actor = store.get("yimen_staff")
    if actor is None:
        actor = authenticate_token(hub(), bearer_token())
        store.yimen_staff = actor
    if roles:
        require_role(actor, *roles)
    return actor


def request_device(kind: str | None = None) -> DeviceIdentity:
    """The device of ``X-Device-Key``, looked up once per request; 403 if of another kind."""
    store = current_g()
    device = store.get("yimen_device")
    if device is None:
        device = authenticate_device(hub(), current_request().headers.get("X-Device-Key"))
        store.yimen_device = device
    if kind is not None and device.kind != kind:
        raise ForbiddenError(f"this needs a {kind} device")
    return device


def partner():
    """The partner that signed this request (``api/partner_routes.py``), or None."""
    return current_g().get("partner")


def kiosk_or_staff() -> tuple[Actor, str | None]:
    """A kiosk (``X-Device-Key``), a partner (a signed request: a remote ticket) or any
    logged-in staff member."""
    signed = partner()
    if signed is not None:
        return signed.actor(), str(signed.id)
    key = current_request().headers.get("X-Device-Key")
    if key is not None:  # sent, even empty: it must be a kiosk's key
        device = request_device("kiosk")
        return device.actor(), str(device.id)
    if bearer_token():
        return staff(), None
    raise AuthenticationError("a kiosk device key (X-Device-Key) or a staff token is required")


# --- for routes still written the old way (merges in flight); remove once none is left ---
# A route declared with ``spec.operation`` gets its body checked by its model instead.
def json_body(*, optional: bool = False) -> dict:
    from .validation import json_object

    return json_object(required=not optional)


def field(data: dict, name: str, kind: type | tuple[type, ...] = str, *, required: bool = True,
          max_length: int = 500):
    from server.services.errors import BadRequestError

    value = data.get(name)
    if value is None:
        if required:
            raise BadRequestError(f"missing field {name!r}", code="missing_field", field=name)
        return None
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds) or (
            isinstance(value, str) and len(value) > max_length):
        raise BadRequestError(f"field {name!r} has the wrong type or is too long", code="invalid_field",
                              field=name)
    return value
