"""A webhook the platform keeps refusing goes dead, alerts the managers, and shows in the
manager page's 平台推送 tab with every attempt; an admin sends it again from the page.
Headless Chromium against a real hub; screenshot at 1920×1080 in test-artifacts/partners/."""

from __future__ import annotations

import pytest

from tests.support.api import DEMO_PASSWORD, Api
from tests.support.hubproc import HubProcess
from tests.support.sio import Listener
from tests.support.waiting import wait_until

from .conftest import PARTNER_ENV, register

pytestmark = pytest.mark.browser


def test_a_dead_webhook_alerts_shows_its_attempts_and_an_admin_resends_it(tmp_path, simulator, chromium,
                                                                        artifacts):
    hub = HubProcess(tmp_path / "dead", env={**PARTNER_ENV, "YIMEN_PARTNER_RETRY_FOR_S": "1.5"}).start()
    manager = None
    try:
        created, partner = register(hub.url, simulator)
        admin = Api(hub.url).login("admin")
        partner.issue("hukou-move-in")
        simulator.wait_for(lambda sim: sim.accepted())  # one delivered
        manager = Listener(hub.url, "/manager", {"token": Api(hub.url).login("manager").token},
                           ("alert",)).connect()
        simulator.behaviour.fail = 10**9
        partner.issue("hukou-move-in")
        alert = manager.wait_for("alert", lambda a: a.get("code") == "webhook_dead", timeout=20)
        assert alert["kind"] == "partner" and alert["device_id"] == created["id"]
        [dead] = admin.get(f"/partners/{created['id']}/deliveries?status=dead").json()
        assert dead["id"] == alert["event_id"] and len(dead["attempts"]) >= 2
        assert all(a["http_status"] == 503 for a in dead["attempts"])
        [listed] = admin.get("/partners").json()
        assert listed["deliveries"] == {"pending": 0, "delivered": 1, "dead": 1}
        assert "secret" not in listed and created["key"] not in str(listed)
        assert Api(hub.url).login("manager").post(
            f"/partners/{created['id']}/deliveries/{dead['id']}/resend").status_code == 403

        errors: list[str] = []
        context = chromium.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(hub.url + "/manager/")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_function("() => document.querySelector('#o-badge').textContent === '1'")
        page.click('#tabs button[data-tab="outbox"]')
        page.wait_for_selector("#o-table tbody tr")
        assert page.locator("#o-kpis .kpi .value").all_inner_texts()[:3] == ["0", "1", "1"]
        statuses = page.locator("#o-table tbody tr td:nth-child(4)").all_inner_texts()
        assert statuses == ["已停止重试", "已送达"]
        page.click("#o-table tbody tr:first-child")
        page.wait_for_selector("#o-resend")
        attempt_rows = page.locator("#o-detail table.attempts tbody tr")
        assert attempt_rows.count() == len(dead["attempts"])
        assert "503" in attempt_rows.first.inner_text()
        assert dead["id"] in page.locator("#o-detail .facts").inner_text()
        folder = artifacts / "partners"
        folder.mkdir(exist_ok=True)
        page.screenshot(path=str(folder / "manager-outbox-1920x1080.png"))

        simulator.behaviour.fail = 0
        page.click("#o-resend")
        simulator.wait_for(lambda sim: [r for r in sim.accepted() if r.body["id"] == dead["id"]])

        def delivered():
            page.click("#o-run")
            texts = page.locator("#o-table tbody tr td:nth-child(4)").all_inner_texts()
            return texts if texts == ["已送达", "已送达"] else None

        wait_until(delivered, timeout=10, what="the resent row shown delivered", interval=0.3)
        assert page.locator("#o-badge").inner_text() == "0"
        assert admin.post(f"/partners/{created['id']}/deliveries/{dead['id']}/resend").status_code == 404
        context.close()
        assert errors == []
    finally:
        if manager is not None:
            manager.disconnect()
        hub.stop()
