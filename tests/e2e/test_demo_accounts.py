"""The demo and the operator's password: ``--demo`` never weakens an account.

Each case starts a real hub process and logs in over HTTP: the demo flag given on the
command line (before or after the other flags) or as ``YIMEN_DEMO=1``, on a fresh
database and on one where the demo ran before.
"""

from __future__ import annotations

import pytest

from tests.support.api import DEMO_PASSWORD, Api
from tests.support.hubproc import HubProcess

OPERATOR_PASSWORD = "hall-it-chose-this"


def login_status(hub: HubProcess, username: str, password: str) -> int:
    return Api(hub.url).post("/auth/login", {"username": username, "password": password}).status_code


def demo_hub(var_dir, demo_via: str, env: dict | None = None) -> HubProcess:
    env = dict(env or {})
    if demo_via == "env":
        env["YIMEN_DEMO"] = "1"
        return HubProcess(var_dir, demo=False, env=env)
    if demo_via == "flag first":  # --demo ahead of every other flag
        hub = HubProcess(var_dir, demo=False, env=env)
        hub.command = lambda base=hub.command: [*base()[:2], "--demo", *base()[2:]]
        return hub
    return HubProcess(var_dir, demo=True, env=env)  # --demo after the other flags


@pytest.mark.parametrize("demo_via", ["flag last", "flag first", "env"])
@pytest.mark.parametrize("database", ["fresh", "existing"])
def test_the_operators_admin_password_wins_over_the_demo(tmp_path, demo_via, database):
    var_dir = tmp_path / "var"
    if database == "existing":  # the demo ran here before: admin has the demo password
        earlier = HubProcess(var_dir, demo=True).start()
        assert login_status(earlier, "admin", DEMO_PASSWORD) == 200
        earlier.stop()
    hub = demo_hub(var_dir, demo_via, {"YIMEN_ADMIN_PASSWORD": OPERATOR_PASSWORD}).start()
    try:
        assert "--demo" in hub.command() or hub.env.get("YIMEN_DEMO") == "1"
        assert login_status(hub, "admin", DEMO_PASSWORD) == 401
        admin = Api(hub.url).login("admin", OPERATOR_PASSWORD)
        assert admin.get("/users").status_code == 200
        # the rest of the demo is there: a clerk logs in, a kiosk issues
        assert Api.clerk(hub.url).token
        assert Api.kiosk(hub.url).issue()["number"]
        assert "admin / (the password you gave)" in hub.output()
    finally:
        hub.stop()


def test_the_demo_keeps_passwords_the_operator_set_earlier(tmp_path):
    var_dir = tmp_path / "var"
    hub = HubProcess(var_dir, demo=False, env={"YIMEN_ADMIN_PASSWORD": OPERATOR_PASSWORD}).start()
    admin = Api(hub.url).login("admin", OPERATOR_PASSWORD)
    created = admin.post("/users", {"username": "clerk1", "password": "clerk-own-secret", "role": "clerk"})
    assert created.status_code == 201, created.text
    hub.stop()

    hub = HubProcess(var_dir, demo=True).start()  # the demo later, without the password
    try:
        assert login_status(hub, "admin", DEMO_PASSWORD) == 401
        assert login_status(hub, "admin", OPERATOR_PASSWORD) == 200
        assert login_status(hub, "clerk1", DEMO_PASSWORD) == 401
        assert login_status(hub, "clerk1", "clerk-own-secret") == 200
        assert login_status(hub, "clerk2", DEMO_PASSWORD) == 200  # a new demo account
        output = hub.output()
        assert "admin (exists: its password is unchanged)" in output
        assert "clerk1" in output.split("passwords unchanged:")[1].splitlines()[0]
    finally:
        hub.stop()
