"""Two hubs and a Redis of the test's own, stopped and started again.

After the outage the hubs must hear each other within 10 s of Redis coming back.
python-socketio's own Redis listener doubles its wait after each failed attempt (1, 2,
4, 8, 16 s ...): after the 17 s outage here its next attempt would come 14 s after
Redis is back (attempts at 0, 1, 3, 7, 15, 31 s), after a minute or more up to 60 s.
The hubs run with ``YIMEN_MQ_RETRY_MAX_S=2``, so the outage is long enough for an
uncapped backoff to have grown beyond the cap, without waiting out a whole minute.
"""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
import redis

from tests.support.api import Api
from tests.support.hubproc import HubProcess, free_port
from tests.support.sio import Listener
from tests.support.waiting import wait_until

OUTAGE_S = 17
BACK_WITHIN_S = 10


class OwnRedis:
    """A redis-server on a free port that only this test uses (stopping it disturbs no one)."""

    def __init__(self, folder) -> None:
        self.port = free_port()
        self.folder = folder
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> OwnRedis:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        def answers() -> bool:
            try:
                return client.ping()
            except redis.ConnectionError:
                return False

        wait_until(answers, timeout=10, what="our redis-server to answer")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None


@pytest.fixture
def own_redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = OwnRedis(tmp_path).start()
    yield server
    server.stop()


def new_events(listener: Listener, name: str, start: int, predicate, timeout: float):
    """The first ``name`` event after the first ``start`` ones that satisfies ``predicate``."""
    return wait_until(lambda: next((d for d in list(listener.received[name][start:]) if predicate(d)), None),
                      timeout=timeout, what=f"a new {name}")


def repeat_until(action, heard, timeout: float) -> float:
    """Do ``action`` every half second until ``heard()``; answer the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        action()
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            if heard():
                return time.monotonic() - started
            time.sleep(0.05)
    raise TimeoutError(f"not heard within {timeout}s")


def is_link_alert(active: bool):
    return lambda a: a.get("id") == "message_queue" and a.get("active") is active


@pytest.mark.slow
@pytest.mark.postgres
def test_hubs_hear_each_other_again_soon_after_a_long_redis_outage(tmp_path, pg_url, mq_channel, own_redis):
    env = {"YIMEN_MQ_CHANNEL": mq_channel, "YIMEN_MQ_RETRY_MAX_S": "2", "YIMEN_DASHBOARD_INTERVAL_S": "1"}
    first = HubProcess(tmp_path / "a", db=pg_url, message_queue=own_redis.url, env=env).start()
    second = HubProcess(tmp_path / "b", db=pg_url, message_queue=own_redis.url, env=env).start()
    display = Listener(second.url, "/display", {}, ("hall_state", "ticket_called", "queues_changed")).connect()
    manager = Listener(second.url, "/manager", {"token": Api(second.url).login("manager").token},
                       ("dashboard", "alert")).connect()
    try:
        display.wait_for("hall_state")
        manager.wait_for("dashboard")
        kiosk, clerk = Api.kiosk(first.url), Api.clerk(first.url)
        ticket = kiosk.issue()
        assert clerk.post("/windows/w16/open").status_code == 200
        assert clerk.post("/windows/w16/call-next").json()["id"] == ticket["id"]
        display.wait_for("ticket_called", lambda c: c["number"] == ticket["number"], timeout=10)
        # The dashboard monitor ticks once it has stored the statistics of past days (a
        # start-up cost that can take many seconds on a busy machine): wait for that first.
        manager.wait_count("dashboard", 2, timeout=120)

        own_redis.stop()
        down_at = time.monotonic()
        alert = manager.wait_for("alert", is_link_alert(True), timeout=15)
        assert alert["severity"] == "critical" and "Redis" in alert["message"]
        ticks = manager.count("dashboard")
        new_events(manager, "dashboard", ticks, lambda d: any(is_link_alert(True)(a) for a in d["alerts"]),
                   timeout=10)
        # The hubs carry on alone meanwhile: a call on the first hub is refused nothing.
        assert clerk.post("/windows/w16/recall").status_code == 200
        # The second hub cannot hear the first's revocations now, so it keeps no checked
        # credentials: a session ended on the first is refused on the second at once.
        there = Api(second.url).login("clerk2")
        assert there.get("/auth/me").status_code == 200 and there.get("/auth/me").status_code == 200
        assert Api(first.url, token=there.token).post("/auth/logout").status_code == 200
        assert there.get("/auth/me").status_code == 401
        time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - down_at)))  # the outage itself

        own_redis.start()
        calls, queues = display.count("ticket_called"), display.count("queues_changed")
        took = repeat_until(lambda: clerk.post("/windows/w16/recall"),
                            lambda: any(c["recall"] for c in display.received["ticket_called"][calls:]),
                            timeout=BACK_WITHIN_S + 5)
        assert took < BACK_WITHIN_S, f"calls reached the other hub {took:.1f} s after Redis came back"
        # the dirty bus too: the second hub refreshes its screens after a ticket on the first
        later = kiosk.issue()
        new_events(display, "queues_changed", queues,
                   lambda qs: any(q["id"] == "police" and q["waiting"] >= 1 for q in qs), timeout=BACK_WITHIN_S)
        assert later["number"] > ticket["number"]
        cleared = manager.wait_for("alert", is_link_alert(False), timeout=BACK_WITHIN_S)
        assert "恢复" in cleared["message"] and cleared["value_s"] >= OUTAGE_S - 3
    finally:
        display.disconnect()
        manager.disconnect()
        first.stop()
        second.stop()


@pytest.mark.browser
def test_a_hub_without_its_message_queue_serves_its_hall_and_tells_the_manager(tmp_path, chromium, artifacts):
    nowhere = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    hub = HubProcess(tmp_path / "var", message_queue=nowhere, env={"YIMEN_MQ_RETRY_MAX_S": "1"}).start()
    context = chromium.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    try:
        ticket = Api.kiosk(hub.url).issue()  # the hub's own work goes on
        clerk = Api.clerk(hub.url)
        assert clerk.post("/windows/w16/open").status_code == 200
        assert clerk.post("/windows/w16/call-next").json()["id"] == ticket["id"]
        page = context.new_page()
        page.goto(hub.url + "/manager/")
        page.fill("input[name=username]", "manager")
        page.fill("input[name=password]", "yimen-demo")
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("#alerts li:has-text('消息通道')", timeout=20_000)
        page.screenshot(path=str(artifacts / "manager-message-queue-alert.png"))
        assert page.locator("#alerts li", has_text="Redis").count() == 1
    finally:
        context.close()
        hub.stop()
    assert "cut off from the other hubs" in hub.output()
