"""The manager's bookings tab (预约) in headless Chromium against a real hub: after two
bookings of the slot under way, one checked in and called before a walk-in and one
cancelled, the tab shows the tax queue's real numbers from /appointments/figures.
Screenshot in test-artifacts/appointments/."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.support.api import Api

from .conftest import id_number

pytestmark = pytest.mark.browser


def test_the_bookings_tab_shows_the_days_figures(all_day_hub, chromium, artifacts):
    url = all_day_hub.url
    api, kiosk = Api(url), Api.kiosk(url)
    center = api.get("/center").json()
    matter = next(m["id"] for m in center["matters"] if m["queue_id"] == "tax")
    window = next(w["id"] for w in center["windows"] if w["queue_ids"] == ["tax"])
    tax_name = next(q["name"] for q in center["queues"] if q["id"] == "tax")
    slots = api.get("/appointments/slots", params={"matter_id": matter}).json()
    now = datetime.now().astimezone()
    current = [s for s in slots if datetime.fromisoformat(s["start"]) <= now]
    later = [s for s in slots if datetime.fromisoformat(s["start"]) > now
             and current and s["start"][:10] == current[0]["start"][:10]]  # the same day of the hall
    if not current or not later:
        pytest.skip("the last hour of the day has no slot under way and one to come")
    # One for the slot under way (checked in), one for a later slot (cancelled by closing that slot).
    booked = [api.post("/appointments", {"matter_id": matter, "start": slot["start"], "name": name,
                                         "id_number": id_number(n), "phone": "13700002222"})
              for n, name, slot in ((21, "赵六", current[0]), (22, "钱七", later[0]))]
    assert [b.status_code for b in booked] == [201, 201], [b.text for b in booked]
    kiosk.issue(matter)  # a walk-in
    assert kiosk.post("/kiosk/check-in", {"code": booked[0].json()["code"], "print": False}).status_code == 201
    manager = Api(url).login("manager")
    closed = manager.post("/appointments/closures", {"day": later[0]["start"][:10], "start": later[0]["start"],
                                                     "reason": "系统维护"})
    assert closed.status_code == 201 and closed.json()["cancelled"] == 1
    assert Api(url).login("admin").post("/users", {"username": "figures-clerk", "password": "figures-pass",
                                                   "role": "clerk"}).status_code == 201
    clerk = Api(url).login("figures-clerk", "figures-pass")
    assert clerk.post(f"/windows/{window}/open").status_code == 200
    for _ in range(2):
        assert clerk.post(f"/windows/{window}/call-next").status_code == 200
        assert clerk.post(f"/windows/{window}/finish", {"outcome": "completed"}).status_code == 200

    figures = manager.get("/appointments/figures").json()
    tax = next(r for r in figures if r["queue_id"] == "tax")
    assert (tax["bookings"], tax["checked_in"], tax["cancelled"], tax["missed"]) == (2, 1, 1, 0)

    errors: list[str] = []
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url + "/manager/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", "yimen-demo")
    page.click("#login-form button[type=submit]")
    page.click('#tabs button[data-tab="bookings"]')
    page.wait_for_function("() => document.querySelector('#b-table tr[data-queue=\"tax\"]') !== null")
    cells = page.locator('#b-table tr[data-queue="tax"] td').all_inner_texts()
    assert cells[:6] == [tax_name, "2", "0", "1", "0", "1"]
    assert cells[6] != "–" and cells[7] != "–"  # both waits measured
    assert page.locator("#b-kpis .kpi").first.inner_text().split()[-1] == "2"
    folder = artifacts / "appointments"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / "manager-bookings-1440x900.png"))
    context.close()
    assert errors == []
