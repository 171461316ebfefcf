"""Many kiosks and counters at once: no number twice, no ticket called by two windows."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter

import pytest

from server.services.accounts import access_cache
from tests.support.api import Api
from tests.support.sio import Listener
from tests.support.waiting import wait_until

KIOSKS = 20
TICKETS_PER_KIOSK = 100  # 2,000 tickets
# 20 windows sharing three queues, so counters really compete for the same tickets.
WINDOWS = [f"w{n:02d}" for n in range(1, 9)] + [f"w{n:02d}" for n in range(16, 24)] + ["w39", "w40", "w41", "w42"]
MATTERS = {"social-insurance": None, "police": None, "tax": None}


def _matters(api: Api) -> list[str]:
    center = api.get("/center").json()
    chosen = []
    for queue_id in MATTERS:
        chosen.append(next(m["id"] for m in center["matters"] if m["queue_id"] == queue_id))
    return chosen


def _make_clerks(base_urls: list[str]) -> list[Api]:
    admin = Api(base_urls[0]).login("admin")
    clerks = []
    for i, window in enumerate(WINDOWS):
        username = f"load-clerk-{i}"
        assert admin.post("/users", {"username": username, "password": "load-pass",
                                     "role": "clerk"}).status_code == 201
        api = Api(base_urls[i % len(base_urls)]).login(username, "load-pass")
        assert api.post(f"/windows/{window}/open").status_code == 200
        clerks.append(api)
    return clerks


def run_hall(base_urls: list[str]) -> tuple[list[dict], list[int], list[str]]:
    """Issue 2,000 tickets from 20 kiosks while 20 counters call and finish them."""
    matters = _matters(Api(base_urls[0]))
    clerks = _make_clerks(base_urls)
    issued: list[dict] = []
    called: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()
    issuing_done = threading.Event()

    def kiosk(index: int) -> None:
        api = Api.kiosk(base_urls[index % len(base_urls)], "demo-kiosk-1" if index % 2 else "demo-kiosk-2")
        cycle = itertools.cycle(matters)
        for n in range(TICKETS_PER_KIOSK):
            response = api.post("/tickets", {"matter_id": next(cycle), "idempotency_key": f"k{index}-{n}"})
            with lock:
                if response.status_code == 201:
                    issued.append(response.json())
                else:
                    errors.append(f"issue {response.status_code} {response.text[:200]}")

    def counter(api: Api, window: str) -> None:
        idle_since = None
        while True:
            response = api.post(f"/windows/{window}/call-next")
            if response.status_code == 200:
                idle_since = None
                with lock:
                    called.append(response.json()["id"])
                done = api.post(f"/windows/{window}/finish", {"outcome": "completed"})
                if done.status_code != 200:
                    with lock:
                        errors.append(f"finish {done.status_code} {done.text[:200]}")
                continue
            if response.status_code == 404 and response.json()["error"]["code"] == "queue_empty":
                if issuing_done.is_set():
                    idle_since = idle_since or time.monotonic()
                    if time.monotonic() - idle_since > 1.0:
                        return
                time.sleep(0.02)
                continue
            with lock:
                errors.append(f"call {response.status_code} {response.text[:200]}")
            return

    kiosks = [threading.Thread(target=kiosk, args=(i,)) for i in range(KIOSKS)]
    counters = [threading.Thread(target=counter, args=(api, window)) for api, window in zip(clerks, WINDOWS, strict=True)]
    for thread in kiosks + counters:
        thread.start()
    for thread in kiosks:
        thread.join(300)
    issuing_done.set()
    for thread in counters:
        thread.join(300)
    return issued, called, errors


def _assert_hall(issued, called, errors):
    assert errors == []
    assert len(issued) == KIOSKS * TICKETS_PER_KIOSK
    numbers = Counter(t["number"] for t in issued)
    assert [n for n, c in numbers.items() if c > 1] == []  # no number issued twice
    calls = Counter(called)
    assert [t for t, c in calls.items() if c > 1] == []  # no ticket called twice
    assert set(calls) == {t["id"] for t in issued}  # and every ticket was called
    for prefix in {t["number"][:1] for t in issued}:
        sequence = sorted(int(t["number"][1:]) for t in issued if t["number"].startswith(prefix))
        assert sequence == list(range(1, len(sequence) + 1))  # no gaps either


@pytest.mark.slow
def test_one_hub_on_sqlite(hub):
    issued, called, errors = run_hall([hub.url])
    _assert_hall(issued, called, errors)
    stats = Api(hub.url).login("manager").get("/stats").json()
    assert stats["issued"] == stats["served"] == KIOSKS * TICKETS_PER_KIOSK


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.redis
def test_two_hubs_on_postgresql(hub_pair):
    first, second = hub_pair
    issued, called, errors = run_hall([first.url, second.url])
    _assert_hall(issued, called, errors)
    stats = Api(second.url).login("manager").get("/stats").json()
    assert stats["issued"] == stats["served"] == KIOSKS * TICKETS_PER_KIOSK


@pytest.mark.postgres
@pytest.mark.redis
def test_call_through_one_hub_reaches_a_display_on_the_other(hub_pair):
    first, second = hub_pair
    display = Listener(first.url, "/display", {}, ("hall_state", "ticket_called", "queues_changed")).connect()
    # and on the calling hub, where the call's messages are written from its own request
    display_on_b = Listener(second.url, "/display", {}, ("hall_state", "ticket_called")).connect()
    counter_on_a = None
    try:
        display.wait_for("hall_state")
        display_on_b.wait_for("hall_state")
        ticket = Api.kiosk(first.url).issue()
        clerk = Api.clerk(second.url)
        clerk.post("/windows/w16/open")
        counter_on_a = Listener(first.url, "/counter", {"token": clerk.token, "window_id": "w16"},
                                ("window_state",)).connect()
        phone_on_a = Listener(first.url, "/ticket", {"token": ticket["token"]}, ("ticket_changed",)).connect()
        phone_on_b = Listener(second.url, "/ticket", {"token": ticket["token"]}, ("ticket_changed",)).connect()
        phone_on_a.wait_for("ticket_changed")
        phone_on_b.wait_for("ticket_changed")
        assert clerk.post("/windows/w16/call-next").json()["id"] == ticket["id"]
        for screen in (display, display_on_b):
            call = screen.wait_for("ticket_called", lambda c: c["number"] == ticket["number"])
            assert call["window_id"] == "w16"
        for phone in (phone_on_a, phone_on_b):
            called = phone.wait_for("ticket_changed", lambda t: t["status"] == "called")
            assert called["window_id"] == "w16"
        counter_on_a.wait_for("window_state", lambda s: s["current"] and s["current"]["id"] == ticket["id"])
        for phone in (phone_on_a, phone_on_b):  # never an older place after the call
            statuses = [t["status"] for t in phone.received["ticket_changed"]]
            assert "waiting" not in statuses[statuses.index("called"):]
        phone_on_a.disconnect()
        phone_on_b.disconnect()
    finally:
        display.disconnect()
        display_on_b.disconnect()
        if counter_on_a:
            counter_on_a.disconnect()
    _a_device_disabled_on_one_hub_is_refused_by_the_other(first, second)


def _a_device_disabled_on_one_hub_is_refused_by_the_other(first, second) -> None:
    """Hubs remember a checked key for a few seconds (access_cache.TTL_S = 5 s); the
    hub that disables a device tells the other over Redis, which forgets it at once."""
    admin = Api(first.url).login("admin")
    device = admin.post("/devices", {"kind": "kiosk", "name": "lobby"}).json()
    kiosk_on_b = Api.kiosk(second.url, device["key"])
    # Any kiosk call checks the key first: an unknown matter changes nothing after it.
    assert kiosk_on_b.post("/tickets", {"matter_id": "no-such-matter"}).status_code == 422
    assert admin.post(f"/devices/{device['id']}/disable").status_code == 200
    refused = wait_until(lambda: kiosk_on_b.post("/tickets", {"matter_id": "no-such-matter"}).json()
                         .get("error", {}).get("code") == "device_disabled" or None,
                         timeout=access_cache.TTL_S / 2, what="hub B refusing the disabled key")
    assert refused
