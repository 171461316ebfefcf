"""A supervisor looks up a visitor's ticket by its number and sees every step."""

from __future__ import annotations

import pytest

from tests.support.api import Api

pytestmark = pytest.mark.browser


def test_lookup_by_number_in_api_and_page(chromium, hub, artifacts):
    ticket = Api.kiosk(hub.url).issue()
    clerk = Api.clerk(hub.url)
    clerk.post("/windows/w16/open")
    clerk.post("/windows/w16/call-next")
    clerk.post("/windows/w16/finish", {"outcome": "accepted"})
    manager = Api(hub.url).login("manager")
    history = manager.get("/tickets/lookup", params={"number": ticket["number"].lower()}).json()
    assert history["ticket"]["token"] == ticket["token"]
    assert manager.get("/tickets/lookup", params={"number": "Z999"}).status_code == 404
    assert manager.get("/tickets/lookup", params={"number": ""}).status_code == 400
    assert clerk.get("/tickets/lookup", params={"number": ticket["number"]}).status_code == 403

    context = chromium.new_context(viewport={"width": 1600, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(hub.url + "/manager/")
        page.fill("input[name=username]", "supervisor")
        page.fill("input[name=password]", "yimen-demo")
        page.press("input[name=password]", "Enter")
        page.click('#tabs button[data-tab="lookup"]')
        page.fill("#l-number", ticket["number"])
        page.click("#l-run")
        page.wait_for_selector("#l-table tbody tr:nth-child(3)")
        rows = page.locator("#l-table tbody tr").all_inner_texts()
        assert "取号" in rows[0] and "叫号" in rows[1] and "16" in rows[1]
        assert "办结" in rows[2] and "承诺件" in rows[2] and "窗口人员1" in rows[2]
        # a refusal is said in the page's language, never in the hub's English
        said = page.evaluate("""async () => {
            const out = {};
            for (const [name, path] of [["empty", "/tickets/lookup?number="],
                                        ["unknown", "/tickets/lookup?number=Z999"],
                                        ["no_route", "/windows/nope/open"]]) {
              try { await YimenManager.api(path, name === "no_route" ? {method: "POST"} : {}); }
              catch (e) { out[name] = {message: e.message, code: e.code, hub: e.hubMessage}; }
            }
            return out;
        }""")
        assert said["empty"]["code"] in ("missing_field", "invalid_field")
        assert said["empty"]["message"] in ("有必填项未填写", "填写的内容有误")
        assert said["unknown"]["message"] == "未找到该号票" and said["unknown"]["hub"]
        assert said["no_route"]["code"] == "unknown_window"
        assert said["no_route"]["message"] == "未找到该窗口"
        folder = artifacts / "manager"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / "ticket-lookup.png"))
        # and on the page itself, where the supervisor reads it
        page.fill("#l-number", "Z999")
        page.click("#l-run")
        page.wait_for_function("() => document.querySelector('#l-error').textContent.length > 0")
        assert page.inner_text("#l-error") == "未找到该号票"
        page.screenshot(path=str(folder / "ticket-lookup-unknown.png"))
    finally:
        context.close()
