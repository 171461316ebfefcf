"""Login, staff users and devices."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from server.services import views
from server.services.accounts import revocation
from server.services.accounts import users as accounts
from server.services.accounts.users import MIN_PASSWORD, USERNAME
from server.services.feedback import ratings
from server.services.partners import access as partners

from . import bp
from .limits import limited
from .parsing import bearer_token, hub
from .schemas import Ok
from .schemas.accounts import ClerkDay, Device, DeviceKind, LoginAnswer, Me, NewDevice, Role, User
from .spec import ADMINS, PUBLIC, READERS, STAFF, operation


class Login(BaseModel):
    model_config = ConfigDict(strict=True)

    username: str = Field(max_length=64)
    password: str = Field(max_length=200)


@operation(bp, "POST", "/auth/login", "Staff login; answers a bearer token", access=PUBLIC, body=Login,
           answers={200: LoginAnswer},
           errors={401: "invalid_credentials", 429: "too_many_attempts: five wrong passwords within 5 minutes"})
@limited("write")
def login(body: Login):
    return accounts.login(hub(), body.username, body.password)


@operation(bp, "POST", "/auth/logout", "End this token's session", access=STAFF, answers={200: Ok})
def logout():
    accounts.logout(hub(), bearer_token())
    return {"ok": True}


@operation(bp, "GET", "/auth/me", "Who this token belongs to", access=STAFF, answers={200: Me})
def me(actor):
    return {"id": int(actor.id), "name": actor.name, "role": actor.role}


@operation(bp, "GET", "/auth/me/today", "The logged-in clerk's counts for today", access=STAFF,
           answers={200: ClerkDay})
def my_day(actor):
    """Calls, outcomes, no-shows and transfers this staff member recorded today (the event log)."""
    with hub().reading() as repos:
        return views.clerk_day(hub(), repos, actor)


class NewUser(BaseModel):
    model_config = ConfigDict(strict=True)

    username: str = Field(pattern=USERNAME.pattern)
    password: str = Field(min_length=MIN_PASSWORD, max_length=200)
    role: Role
    name: str | None = Field(None, max_length=200)
    unit_id: str | None = Field(None, max_length=64, description="a clerk's home unit")


@operation(bp, "POST", "/users", "Create a staff user", access=ADMINS, body=NewUser,
           answers={201: User}, errors={409: "user_exists", 422: "unknown_unit"})
def create_user(body: NewUser):
    return accounts.create_user(hub(), username=body.username, password=body.password, role=body.role,
                                name=body.name, unit_id=body.unit_id), 201


@operation(bp, "GET", "/users", "List staff users", access=READERS, answers={200: list[User]})
def list_users():
    return accounts.list_users(hub())


class NewDeviceBody(BaseModel):
    model_config = ConfigDict(strict=True)

    kind: DeviceKind
    name: str = Field(max_length=200, pattern=r"\S")
    window_id: str | None = Field(None, max_length=64, description="a rating_pad's window")
    webhook_url: str | None = Field(None, max_length=500, pattern=r"^https?://[^/?#\[\]]+",
                                    description="a partner's webhook (http or https)")


@operation(bp, "POST", "/devices", "Register a kiosk, display, rating pad or partner; answers its key (and a partner's secret) this once",
           access=ADMINS, body=NewDeviceBody, answers={201: NewDevice},
           errors={422: "unknown_window (a rating_pad needs the window it faces)"})
def create_device(body: NewDeviceBody):
    if body.kind == ratings.PAD_KIND:  # a tablet facing the visitor at one window (好差评)
        return ratings.create_rating_pad(hub(), name=body.name, window_id=body.window_id), 201
    if body.kind == partners.KIND:  # the provincial platform: a key and a secret, shown once
        return partners.create_partner(hub(), name=body.name, webhook_url=body.webhook_url), 201
    return accounts.create_device(hub(), kind=body.kind, name=body.name), 201


@operation(bp, "GET", "/devices", "List devices", access=READERS, answers={200: list[Device]})
def list_devices():
    return accounts.list_devices(hub())


# --- ending access (docs/deploy.md, "Security") ------------------------------------------
class NewPassword(BaseModel):
    model_config = ConfigDict(strict=True)

    current_password: str = Field(max_length=200)
    new_password: str = Field(min_length=MIN_PASSWORD, max_length=200)


class SessionsEnded(BaseModel):
    ok: bool
    sessions_ended: int


@operation(bp, "POST", "/auth/password", "Change one's own password; one's other sessions end",
           access=STAFF, body=NewPassword, answers={200: SessionsEnded},
           errors={401: "invalid_credentials (the current password is wrong)"})
@limited("write")
def change_password(actor, body: NewPassword):
    ended = revocation.change_own_password(hub(), actor, bearer_token(), body.current_password,
                                           body.new_password)
    return {"ok": True, "sessions_ended": ended}


class PasswordReset(BaseModel):
    model_config = ConfigDict(strict=True)

    password: str = Field(min_length=MIN_PASSWORD, max_length=200)


class UserReset(BaseModel):
    user: User
    sessions_ended: int


class UserAccess(User):
    active: bool
    sessions_ended: int


class DeviceAccess(BaseModel):
    id: int
    kind: DeviceKind
    name: str
    active: bool


@operation(bp, "POST", "/users/<username>/password", "Set a user's password; every session of it ends",
           access=ADMINS, body=PasswordReset, answers={200: UserReset}, errors={404: "unknown_user"})
def reset_password(username: str, body: PasswordReset):
    return revocation.reset_password(hub(), username, body.password)


@operation(bp, "POST", "/users/<username>/disable", "Disable a user: logins refused, sessions ended",
           access=ADMINS, answers={200: UserAccess},
           errors={404: "unknown_user", 409: "cannot_disable_self"})
def disable_user(username: str, actor):
    return revocation.set_user_active(hub(), actor, username, False)


@operation(bp, "POST", "/users/<username>/enable", "Enable a disabled user", access=ADMINS,
           answers={200: UserAccess}, errors={404: "unknown_user"})
def enable_user(username: str, actor):
    return revocation.set_user_active(hub(), actor, username, True)


@operation(bp, "POST", "/devices/<device_id>/disable", "Disable a device: its key is refused at once",
           access=ADMINS, answers={200: DeviceAccess}, errors={404: "unknown_device"})
def disable_device(device_id: str):
    return revocation.set_device_active(hub(), device_id, False)


@operation(bp, "POST", "/devices/<device_id>/enable", "Enable a disabled device", access=ADMINS,
           answers={200: DeviceAccess}, errors={404: "unknown_device"})
def enable_device(device_id: str):
    return revocation.set_device_active(hub(), device_id, True)
