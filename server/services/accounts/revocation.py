"""Ending access: password changes, disabling and enabling users and devices.

Every staff token and device key is checked against the database (``accounts.
authenticate_token``, ``accounts.authenticate_device``; a hit is remembered a few seconds,
``access_cache.py``), and all hubs of a hall share that database. Whatever is revoked here
empties the remembered checks of this hub when it commits and of the other hubs through
the dirty bus, so it stops working at once everywhere; a hub that cannot hear the others (Redis
away) keeps no checked credentials meanwhile (``access_cache.py``).
"""

from __future__ import annotations

from server.queueing.actors import Actor
from server.queueing.errors import NotFoundError

from ..errors import AuthenticationError, BadRequestError, ConflictError
from ..hub import Hub
from .passwords import hash_password, verify_password
from .users import MIN_PASSWORD, _digest, user_json


def _check_new_password(password: object) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD or len(password) > 200:
        raise BadRequestError(f"new password: {MIN_PASSWORD} to 200 characters",
                              code="invalid_field", field="new_password")
    return password


def change_own_password(hub: Hub, actor: Actor, token: str, current: str, new: object) -> int:
    """The logged-in user changes their password; every other session of theirs ends,
    this one stays. Returns how many sessions were ended."""
    new = _check_new_password(new)
    with hub.reading() as repos:
        user = repos.users.by_id(int(actor.id))
    if user is None or not verify_password(current, user.password_hash):
        raise AuthenticationError("the current password is wrong", code="invalid_credentials")
    hashed = hash_password(new)
    with hub.uow() as uow:
        uow.users.set_password(user.id, hashed)
        ended = uow.sessions.revoke_user(user.id, keep=_digest(token))
        uow.commit()
    return ended


def reset_password(hub: Hub, username: str, new: object) -> dict:
    """An admin sets a user's password; every session of that user ends."""
    new = _check_new_password(new)
    hashed = hash_password(new)
    with hub.uow() as uow:
        user = _user(uow, username)
        uow.users.set_password(user.id, hashed)
        ended = uow.sessions.revoke_user(user.id)
        uow.commit()
    return {"user": user_json(user), "sessions_ended": ended}


def set_user_active(hub: Hub, admin: Actor, username: str, active: bool) -> dict:
    """Disable (every session ends, logins are refused) or enable a user."""
    with hub.uow() as uow:
        user = _user(uow, username)
        if not active and str(user.id) == str(admin.id):
            raise ConflictError("an admin cannot disable their own account",
                                code="cannot_disable_self")
        uow.users.set_active(user.id, active)
        ended = 0 if active else uow.sessions.revoke_user(user.id)
        user = uow.users.by_id(user.id)
        uow.commit()
    return {**user_json(user), "sessions_ended": ended}


def set_device_active(hub: Hub, device_id: object, active: bool) -> dict:
    """Disable (its key is refused from the next request on) or enable a device."""
    try:
        device_id = int(device_id)
    except (TypeError, ValueError):
        raise NotFoundError(f"no device {device_id!r}", code="unknown_device") from None
    with hub.uow() as uow:
        if uow.devices.by_id(device_id) is None:
            raise NotFoundError(f"no device {device_id}", code="unknown_device")
        uow.devices.set_active(device_id, active)
        device = uow.devices.by_id(device_id)
        uow.commit()
    return {"id": device.id, "kind": device.kind, "name": device.name, "active": device.active}


def _user(uow, username: str):
    user = uow.users.by_username(username)
    if user is None:
        raise NotFoundError(f"no user {username!r}", code="unknown_user")
    return user
