"""Ending access on SQLite and PostgreSQL: logout, password changes, disabled users and
devices are refused from the next check on, and enabling brings them back."""

from __future__ import annotations

import pytest

from server.queueing.errors import NotFoundError
from server.services.accounts import revocation
from server.services.accounts import users as accounts
from server.services.accounts.users import set_user_password
from server.services.errors import AuthenticationError, ConflictError


def _login(hub, username: str, password: str = "secret-pass") -> str:
    return accounts.login(hub, username, password)["token"]


def _refused(hub, token: str) -> str:
    with pytest.raises(AuthenticationError) as caught:
        accounts.authenticate_token(hub, token)
    return caught.value.code


@pytest.fixture
def people(service_hub):
    set_user_password(service_hub, "boss", "secret-pass", role="admin", name="boss")
    set_user_password(service_hub, "clerk1", "secret-pass", role="clerk", name="clerk1")
    return service_hub


def test_logout_ends_only_that_session(people):
    hub = people
    first, second = _login(hub, "clerk1"), _login(hub, "clerk1")
    accounts.logout(hub, first)
    assert _refused(hub, first) == "invalid_token"
    assert accounts.authenticate_token(hub, second).name == "clerk1"


def test_a_password_change_ends_the_other_sessions(people):
    hub = people
    here, elsewhere = _login(hub, "clerk1"), _login(hub, "clerk1")
    boss = _login(hub, "boss")
    actor = accounts.authenticate_token(hub, here)
    with pytest.raises(AuthenticationError):
        revocation.change_own_password(hub, actor, here, "wrong-pass", "new-secret")
    assert revocation.change_own_password(hub, actor, here, "secret-pass", "new-secret") == 1
    assert accounts.authenticate_token(hub, here).name == "clerk1"  # this session stays
    assert _refused(hub, elsewhere) == "invalid_token"
    assert accounts.authenticate_token(hub, boss).name == "boss"  # nobody else's
    with pytest.raises(AuthenticationError):
        _login(hub, "clerk1", "secret-pass")
    assert _login(hub, "clerk1", "new-secret")


def test_an_admin_reset_ends_every_session_of_the_user(people):
    hub = people
    tokens = [_login(hub, "clerk1") for _ in range(3)]
    assert revocation.reset_password(hub, "clerk1", "reset-pass")["sessions_ended"] == 3
    assert {_refused(hub, t) for t in tokens} == {"invalid_token"}
    assert _login(hub, "clerk1", "reset-pass")


def test_a_disabled_user_is_refused_at_once_and_can_come_back(people):
    hub = people
    boss = accounts.authenticate_token(hub, _login(hub, "boss"))
    token = _login(hub, "clerk1")
    answer = revocation.set_user_active(hub, boss, "clerk1", False)
    assert answer["active"] is False and answer["sessions_ended"] == 1
    assert _refused(hub, token) == "invalid_token"
    with pytest.raises(AuthenticationError):
        _login(hub, "clerk1")
    assert [u["active"] for u in accounts.list_users(hub) if u["username"] == "clerk1"] == [False]
    assert revocation.set_user_active(hub, boss, "clerk1", True)["active"] is True
    assert accounts.authenticate_token(hub, _login(hub, "clerk1")).name == "clerk1"
    assert _refused(hub, token) == "invalid_token"  # an old session does not come back


def test_an_admin_cannot_lock_themselves_out(people):
    hub = people
    boss = accounts.authenticate_token(hub, _login(hub, "boss"))
    with pytest.raises(ConflictError) as caught:
        revocation.set_user_active(hub, boss, "boss", False)
    assert caught.value.code == "cannot_disable_self"
    with pytest.raises(NotFoundError):
        revocation.set_user_active(hub, boss, "nobody", False)


def test_a_disabled_device_key_is_refused_at_once(service_hub):
    hub = service_hub
    kiosk = accounts.create_device(hub, kind="kiosk", name="lobby 1", key="lobby-key-1")
    other = accounts.create_device(hub, kind="kiosk", name="lobby 2", key="lobby-key-2")
    assert accounts.authenticate_device(hub, "lobby-key-1", kind="kiosk").id == kiosk["id"]
    assert revocation.set_device_active(hub, kiosk["id"], False)["active"] is False
    with pytest.raises(AuthenticationError) as caught:
        accounts.authenticate_device(hub, "lobby-key-1", kind="kiosk")
    assert caught.value.code == "device_disabled"
    assert accounts.authenticate_device(hub, "lobby-key-2").id == other["id"]
    listed = {d["id"]: d["active"] for d in accounts.list_devices(hub)}
    assert listed == {kiosk["id"]: False, other["id"]: True}
    revocation.set_device_active(hub, str(kiosk["id"]), True)
    assert accounts.authenticate_device(hub, "lobby-key-1").id == kiosk["id"]
    for missing in (9999, "x"):
        with pytest.raises(NotFoundError):
            revocation.set_device_active(hub, missing, False)
