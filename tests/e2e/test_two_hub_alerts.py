"""Two hubs, managers on each: every manager hears each alert once."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.support.api import Api
from tests.support.hubproc import HubProcess
from tests.support.sio import Listener


@pytest.fixture
def quick_alert_hubs(tmp_path, pg_url, redis_url, mq_channel):
    env = {"YIMEN_MQ_CHANNEL": mq_channel, "YIMEN_ALERT_LONG_WAIT_S": "2",
           "YIMEN_DASHBOARD_INTERVAL_S": "0.5"}
    hubs = [HubProcess(tmp_path / name, db=pg_url, message_queue=redis_url, env=env).start()
            for name in ("a", "b")]
    yield hubs
    for hub in hubs:
        hub.stop()


@pytest.mark.postgres
@pytest.mark.redis
def test_each_manager_hears_an_alert_once(quick_alert_hubs):
    first, second = quick_alert_hubs
    managers = []
    for hub in (first, second):
        token = Api(hub.url).login("manager").token
        managers.append(Listener(hub.url, "/manager", {"token": token}, ("dashboard", "alert")).connect())
    try:
        for manager in managers:
            manager.wait_for("dashboard")
        Api.kiosk(first.url).issue()  # nobody calls it: the police line waits too long
        for manager in managers:
            manager.wait_for("alert", lambda a: a.get("kind") == "long_wait", timeout=15)
        # Several dashboard rounds on both hubs (one each 0.5 s): a duplicate would be out by then.
        rounds = [manager.count("dashboard") for manager in managers]
        for manager, before in zip(managers, rounds, strict=True):
            manager.wait_count("dashboard", before + 6, timeout=15)
        for manager in managers:
            seen = Counter((a.get("id"), a.get("kind"), a.get("severity"), a.get("active"))
                           for a in manager.received["alert"] if a.get("kind") == "long_wait")
            assert seen and max(seen.values()) == 1, seen
    finally:
        for manager in managers:
            manager.disconnect()
