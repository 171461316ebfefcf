"""Login, staff users and devices."""

from flask import jsonify

from server.services import views
from server.services.accounts import users as accounts
from server.services.partners import access as partners

from . import bp
from .parsing import bearer_token, field, hub, json_body, staff


@bp.post("/auth/login")
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
    if kind == partners.KIND:  # the provincial platform: a key and a secret, shown once
        return jsonify(partners.create_partner(hub(), name=name, webhook_url=data.get("webhook_url"))), 201
    return jsonify(accounts.create_device(hub(), kind=kind, name=name)), 201


@bp.get("/devices")
def list_devices():
    staff("admin", "manager")
    return jsonify(accounts.list_devices(hub()))
