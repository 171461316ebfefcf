"""Login, staff users and devices."""

from flask import jsonify

from server.services import accounts, revocation, views

from . import bp
from .limits import limited
from .parsing import bearer_token, field, hub, json_body, staff


@bp.post("/auth/login")
@limited("write")
def login():
    data = json_body()
    username = field(data, "username", max_length=64)
    password = field(data, "password", max_length=200)
    return jsonify(accounts.login(hub(), username, password))


@bp.post("/auth/logout")
def logout():
    staff()
    accounts.logout(hub(), bearer_token())
    return jsonify({"ok": True})


@bp.post("/auth/password")
@limited("write")
def change_password():
    """The logged-in user's new password; their other sessions end, this one stays."""
    actor = staff()
    data = json_body()
    current = field(data, "current_password", max_length=200)
    ended = revocation.change_own_password(hub(), actor, bearer_token(), current,
                                           field(data, "new_password", max_length=200))
    return jsonify({"ok": True, "sessions_ended": ended})


@bp.get("/auth/me")
def me():
    actor = staff()
    return jsonify({"id": int(actor.id), "name": actor.name, "role": actor.role})


@bp.get("/auth/me/today")
def my_day():
    """The logged-in clerk's counts for today (calls, outcomes, no-shows, transfers)."""
    actor = staff()
    with hub().reading() as repos:
        return jsonify(views.clerk_day(hub(), repos, actor))


@bp.post("/users")
def create_user():
    staff("admin")
    data = json_body()
    for name in ("username", "password", "role"):
        field(data, name, max_length=200)
    user = accounts.create_user(hub(), username=data["username"], password=data["password"],
                                role=data["role"], name=data.get("name"),
                                unit_id=data.get("unit_id"))
    return jsonify(user), 201


@bp.get("/users")
def list_users():
    staff("admin", "manager")
    return jsonify(accounts.list_users(hub()))


@bp.post("/devices")
def create_device():
    staff("admin")
    data = json_body()
    kind = field(data, "kind", max_length=16)
    name = field(data, "name", max_length=200)
    return jsonify(accounts.create_device(hub(), kind=kind, name=name)), 201


@bp.get("/devices")
def list_devices():
    staff("admin", "manager")
    return jsonify(accounts.list_devices(hub()))


@bp.post("/users/<username>/password")
def reset_password(username: str):
    """An admin sets a user's password; every session of that user ends."""
    staff("admin")
    password = field(json_body(), "password", max_length=200)
    return jsonify(revocation.reset_password(hub(), username, password))


@bp.post("/users/<username>/disable")
def disable_user(username: str):
    return jsonify(revocation.set_user_active(hub(), staff("admin"), username, False))


@bp.post("/users/<username>/enable")
def enable_user(username: str):
    return jsonify(revocation.set_user_active(hub(), staff("admin"), username, True))


@bp.post("/devices/<device_id>/disable")
def disable_device(device_id: str):
    staff("admin")
    return jsonify(revocation.set_device_active(hub(), device_id, False))


@bp.post("/devices/<device_id>/enable")
def enable_device(device_id: str):
    staff("admin")
    return jsonify(revocation.set_device_active(hub(), device_id, True))
