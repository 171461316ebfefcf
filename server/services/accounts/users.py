"""Staff accounts, login sessions and device keys."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from server.queueing.actors import Actor

from ..errors import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ForbiddenError,
    UnprocessableError,
)
from ..hub import Hub
from .passwords import hash_password, verify_password

ROLES = ("admin", "manager", "supervisor", "clerk")
DEVICE_KINDS = ("kiosk", "display")
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
MIN_PASSWORD = 6


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def staff_actor(user) -> Actor:
    return Actor("user", str(user.id), user.name or user.username, user.role)


def user_json(user) -> dict:
    return {"id": user.id, "username": user.username, "name": user.name, "role": user.role,
            "unit_id": user.unit_id, "active": user.active}


# --- staff ---------------------------------------------------------------------------------
def login(hub: Hub, username: str, password: str) -> dict:
    moment = time.monotonic()
    hub.login_guard.check(username, moment)
    with hub.reading() as repos:
        user = repos.users.by_username(username)
    if user is None or not user.active or not verify_password(password, user.password_hash):
        hub.login_guard.failed(username, moment)
        raise AuthenticationError("wrong username or password", code="invalid_credentials")
    hub.login_guard.succeeded(username)
    token = secrets.token_urlsafe(32)
    now = hub.now()
    expires = now + timedelta(seconds=hub.settings.token_ttl_s)
    with hub.uow() as uow:
        uow.sessions.add(_digest(token), user.id, now, expires)
        uow.sessions.purge_expired(now)
        uow.commit()
    return {"token": token, "expires_at": expires.isoformat(timespec="seconds"),
            "user": {"username": user.username, "role": user.role, "name": user.name,
                     "id": user.id}}


def logout(hub: Hub, token: str) -> None:
    with hub.uow() as uow:
        uow.sessions.revoke(_digest(token))
        uow.commit()


def authenticate_token(hub: Hub, token: str | None) -> Actor:
    """The staff member of an open session; a hit is remembered a few seconds
    (``access_cache.py``: every revocation empties it at once)."""
    if not token:
        raise AuthenticationError("a staff bearer token is required")
    digest, now = _digest(token), hub.now()
    actor = hub.access.get("token", digest, now)
    if actor is not None:
        return actor
    generation = hub.access.generation()
    with hub.reading() as repos:
        found = repos.sessions.session_of(digest, now)
    if found is None:
        raise AuthenticationError("the token is unknown or has expired", code="invalid_token")
    user, expires_at = found
    actor = staff_actor(user)
    hub.access.put("token", digest, actor, generation, expires_at)
    return actor


def require_role(actor: Actor, *roles: str) -> None:
    if actor.kind != "user" or actor.role not in roles:
        raise ForbiddenError(f"this needs the role {' or '.join(roles)}")


def create_user(hub: Hub, *, username: object, password: object, role: object,
                name: object = None, unit_id: object = None, hashed: str | None = None) -> dict:
    """A new staff account; ``hashed``, when given, is ``hash_password(password)`` computed
    once for several accounts (the demo's, which share one published password)."""
    if not isinstance(username, str) or not USERNAME.match(username):
        raise BadRequestError("username: 1-64 letters, digits, '.', '_' or '-'",
                              code="invalid_field", field="username")
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise BadRequestError(f"password: at least {MIN_PASSWORD} characters",
                              code="invalid_field", field="password")
    if role not in ROLES:
        raise BadRequestError(f"role must be one of {', '.join(ROLES)}", code="invalid_field",
                              field="role")
    if name is not None and not isinstance(name, str):
        raise BadRequestError("name must be a string", code="invalid_field", field="name")
    if unit_id is not None:
        if not isinstance(unit_id, str):
            raise BadRequestError("unit_id must be a string", code="invalid_field", field="unit_id")
        if unit_id not in hub.center.units:
            raise UnprocessableError(f"unknown unit {unit_id!r}", code="unknown_unit")
    hashed = hashed or hash_password(password)
    try:
        with hub.uow() as uow:
            if uow.users.by_username(username) is not None:
                raise ConflictError(f"user {username!r} exists", code="user_exists")
            user_id = uow.users.add(username, name, role, hashed, hub.now(), unit_id)
            uow.commit()
    except IntegrityError:
        raise ConflictError(f"user {username!r} exists", code="user_exists") from None
    return {"id": user_id, "username": username, "name": name, "role": role, "unit_id": unit_id}


def set_user_password(hub: Hub, username: str, password: str, *, role: str = "admin",
                      name: str | None = None) -> bool:
    """Create the user or reset its password. Returns True when it was created."""
    hashed = hash_password(password)
    with hub.uow() as uow:
        user = uow.users.by_username(username)
        if user is None:
            uow.users.add(username, name, role, hashed, hub.now())
            created = True
        else:
            uow.users.set_password(user.id, hashed)
            created = False
        uow.commit()
    return created


def list_users(hub: Hub) -> list[dict]:
    with hub.reading() as repos:
        return [user_json(u) for u in repos.users.all()]


# --- devices -------------------------------------------------------------------------------
@dataclass(frozen=True)
class DeviceIdentity:
    id: int
    kind: str
    name: str

    def actor(self) -> Actor:
        return Actor("device", str(self.id), self.name, self.kind)


def create_device(hub: Hub, *, kind: object, name: object, key: str | None = None) -> dict:
    if kind not in DEVICE_KINDS:
        raise BadRequestError(f"kind must be one of {', '.join(DEVICE_KINDS)}",
                              code="invalid_field", field="kind")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise BadRequestError("name: a non-empty string of at most 200 characters",
                              code="invalid_field", field="name")
    key = key or secrets.token_urlsafe(24)
    try:
        with hub.uow() as uow:
            device_id = uow.devices.add(kind, name.strip(), _digest(key), hub.now())
            uow.commit()
    except IntegrityError:
        raise ConflictError("a device with this key exists", code="device_exists") from None
    return {"id": device_id, "kind": kind, "name": name.strip(), "key": key}


def authenticate_device(hub: Hub, key: str | None, kind: str | None = None) -> DeviceIdentity:
    """The device holding ``key``, checked against the database at most every few
    seconds per key (``access_cache.py``); disabling a device empties the cache of every
    hub, so it is refused from the next request on."""
    if not key:
        raise AuthenticationError("a device key is required (X-Device-Key)")
    digest = _digest(key)
    device = hub.access.get("device", digest, hub.now())
    if device is None:
        generation = hub.access.generation()
        with hub.reading() as repos:
            record = repos.devices.by_key_hash(digest)
        if record is None:
            raise AuthenticationError("unknown device key", code="invalid_device_key")
        if not record.active:
            raise AuthenticationError("this device is disabled", code="device_disabled")
        device = DeviceIdentity(record.id, record.kind, record.name)
        hub.access.put("device", digest, device, generation)
    if kind is not None and device.kind != kind:
        raise ForbiddenError(f"this needs a {kind} device")
    return device


def device_kind(hub: Hub, device_id: str | int | None, repos=None) -> str | None:
    """A device's kind, which never changes once it is registered: read once per device
    and kept by the hub (``hub.device_kinds``). None for no or an unknown device.
    ``repos``: read it there, when the caller already holds a connection."""
    if device_id is None or not str(device_id).isdigit():
        return None
    key = str(device_id)
    kind = hub.device_kinds.get(key)
    if kind is None:
        if repos is not None:
            record = repos.devices.by_id(int(key))
        else:
            with hub.reading() as own:
                record = own.devices.by_id(int(key))
        if record is None:
            return None
        kind = hub.device_kinds[key] = record.kind
    return kind


def list_devices(hub: Hub) -> list[dict]:
    with hub.reading() as repos:
        return [
            {"id": d.id, "kind": d.kind, "name": d.name,
             "last_seen_at": d.last_seen_at.isoformat(timespec="seconds") if d.last_seen_at else None,
             "status": d.status, "active": d.active}
            for d in repos.devices.all()
        ]
