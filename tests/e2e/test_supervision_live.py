"""电子监察 live: two hubs on PostgreSQL + Redis store a finding once and every manager
hears it once; the supervision tab receives a live alert (with its beep) and a
supervisor closes it; the staff records tab. Screenshots at 1440×900 under
test-artifacts/supervision/."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.support.api import Api
from tests.support.hubproc import HubProcess
from tests.support.manager_page import log_in
from tests.support.sio import Listener

QUICK = {"YIMEN_SUPERVISION_INTERVAL_S": "0.5", "YIMEN_DASHBOARD_INTERVAL_S": "0.5"}


def quick_no_show(hub_url: str, window: str = "w16") -> dict:
    clerk = Api.clerk(hub_url)
    assert clerk.post(f"/windows/{window}/open").status_code == 200
    ticket = Api.kiosk(hub_url).issue()
    assert clerk.post(f"/windows/{window}/call-next").status_code == 200
    assert clerk.post(f"/windows/{window}/no-show").status_code == 200  # 刷号: at once
    return ticket


@pytest.fixture
def supervised_pair(tmp_path, pg_url, redis_url, mq_channel):
    env = {"YIMEN_MQ_CHANNEL": mq_channel, **QUICK}
    hubs = [HubProcess(tmp_path / name, db=pg_url, message_queue=redis_url, env=env).start()
            for name in ("a", "b")]
    yield hubs
    for hub in hubs:
        hub.stop()


@pytest.mark.postgres
@pytest.mark.redis
def test_two_hubs_store_one_alert_and_each_manager_hears_it_once(supervised_pair):
    first, second = supervised_pair
    listeners = []
    for hub, user in ((first, "manager"), (second, "supervisor")):
        token = Api(hub.url).login(user).token
        listeners.append(Listener(hub.url, "/manager", {"token": token},
                                  ("dashboard", "supervision_alert")).connect())
    try:
        for listener in listeners:
            listener.wait_for("dashboard")
        ticket = quick_no_show(first.url)
        for listener in listeners:
            listener.wait_for("supervision_alert", lambda a: a["kind"] == "quick_no_show", timeout=15)
        # several rounds of evaluation on both hubs (every 0.5 s): a duplicate would be out by then
        rounds = [listener.count("dashboard") for listener in listeners]
        for listener, before in zip(listeners, rounds, strict=True):
            listener.wait_count("dashboard", before + 4, timeout=20)
        for listener in listeners:
            seen = Counter(a["id"] for a in listener.received["supervision_alert"])
            assert list(seen.values()) == [1], seen
        stored = Api(second.url).login("supervisor").get("/supervision/alerts?kind=quick_no_show").json()
        assert [a["ticket_number"] for a in stored] == [ticket["number"]]
    finally:
        for listener in listeners:
            listener.disconnect()


@pytest.fixture
def single_hub(tmp_path):
    hub = HubProcess(tmp_path / "one", env=QUICK).start()
    yield hub
    hub.stop()


@pytest.mark.browser
def test_the_supervision_tab_receives_a_live_alert_and_closes_it(chromium, single_hub, artifacts):
    out = artifacts / "supervision"
    out.mkdir(exist_ok=True)
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, single_hub.url, "supervisor", tab="supervision")
    page.wait_for_selector("#live.on")
    page.click("#tabs button[data-tab=supervision]")
    page.wait_for_selector("#sv-empty:not([hidden])")
    ticket = quick_no_show(single_hub.url)
    page.wait_for_selector("#sv-table tbody tr.fresh", timeout=15_000)
    assert ticket["number"] in page.inner_text("#sv-table tbody tr")
    page.wait_for_function("() => Number(document.body.dataset.svBeeps || 0) >= 1")
    assert page.inner_text("#sv-badge") == "1"
    page.screenshot(path=str(out / "live-alert.png"))
    page.fill("#sv-table .sv-close input", "已提醒窗口人员规范叫号")
    page.click("#sv-table .sv-close button")
    page.wait_for_function("() => document.querySelector('#sv-badge').textContent === '0'")
    page.click("#tabs button[data-tab=staff]")
    page.wait_for_selector("#s-table tbody tr")
    row = page.locator("#s-table tbody tr", has_text="clerk1")
    assert row.count() == 1 and "clerk1" in row.inner_text()
    page.screenshot(path=str(out / "staff-records.png"))
    context.close()
    assert errors == []
