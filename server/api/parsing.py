"""Reading request bodies and credentials the same way in every route."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request

from server.queueing.actors import Actor
from server.services.accounts.users import authenticate_device, authenticate_token, require_role
from server.services.errors import AuthenticationError, BadRequestError
from server.services.hub import Hub


def hub() -> Hub:
    return current_app.extensions["yimen"]


def json_body(*, optional: bool = False) -> dict[str, Any]:
    """The request's JSON object; 400 when it is malformed or not an object."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if optional:
            return {}
        raise BadRequestError("the request needs a JSON object body", code="bad_json")
    data = request.get_json(silent=True, force=True)
    if not isinstance(data, dict):
        raise BadRequestError("the body must be a JSON object", code="bad_json")
    return data


def field(data: dict, name: str, kind: type | tuple[type, ...] = str, *, required: bool = True,
          max_length: int = 500):
    value = data.get(name)
    if value is None:
        if required:
            raise BadRequestError(f"missing field {name!r}", code="missing_field", field=name)
        return None
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        raise BadRequestError(f"field {name!r} has the wrong type", code="invalid_field", field=name)
    if isinstance(value, str) and len(value) > max_length:
        raise BadRequestError(f"field {name!r} is too long", code="invalid_field", field=name)
    return value


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


def partner():
    """The partner that signed this request (``api/partner_routes.py``), or None."""
    return g.get("partner")


def kiosk_or_staff() -> tuple[Actor, str | None]:
    """A kiosk (``X-Device-Key``), a partner (a signed request: a remote ticket) or any
    logged-in staff member."""
    if partner() is not None:
        return partner().actor(), str(partner().id)
    key = request.headers.get("X-Device-Key")
    if key:
        device = authenticate_device(hub(), key, kind="kiosk")
        return device.actor(), str(device.id)
    if bearer_token():
        return staff(), None
    raise AuthenticationError("a kiosk device key (X-Device-Key) or a staff token is required")
