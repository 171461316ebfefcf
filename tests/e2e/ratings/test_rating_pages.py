"""好差评 pages in headless Chromium against a real hub: the rating pad at window 16
after a real clerk finishes a real ticket, the phone rating, and the manager's
rectification tab through to closed. Screenshots land in test-artifacts/ratings/."""

from __future__ import annotations

import pytest

from tests.support.api import Api

pytestmark = pytest.mark.browser

WINDOW = "w16"
PAD = (1280, 800)


@pytest.fixture
def shots(artifacts):
    folder = artifacts / "ratings"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture
def browser_pages(chromium):
    contexts, errors = [], []

    def open_page(url: str, width: int, height: int, *, touch: bool = False):
        context = chromium.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                       has_touch=touch, is_mobile=touch and width < 800,
                                       device_scale_factor=1)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"{url}: {exc}"))
        page.goto(url)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert errors == []


def pad_key(url: str) -> str:
    answer = Api(url).login("admin").post("/devices", {"kind": "rating_pad", "name": "16号窗口评价器",
                                                       "window_id": WINDOW})
    assert answer.status_code == 201, answer.text
    return answer.json()["key"]


def finish_one(url: str, clerk: Api) -> dict:
    Api.kiosk(url).issue()
    called = clerk.post(f"/windows/{WINDOW}/call-next")
    assert called.status_code == 200, called.text
    assert clerk.post(f"/windows/{WINDOW}/finish", {"outcome": "completed"}).status_code == 200
    return called.json()


def test_pad_flow_after_a_real_clerk_finishes(hub, browser_pages, shots):
    key = pad_key(hub.url)
    clerk = Api.clerk(hub.url, "clerk1")
    assert clerk.post(f"/windows/{WINDOW}/open").status_code == 200
    pad = browser_pages(f"{hub.url}/rate/?key={key}", *PAD, touch=True)
    pad.wait_for_selector('body[data-live="1"]')
    pad.wait_for_function("() => document.getElementById('clerk-number').textContent === 'clerk1'")
    assert pad.inner_text("#window-number") == "16"
    pad.screenshot(path=str(shots / "pad-idle.png"))

    ticket = finish_one(hub.url, clerk)
    pad.wait_for_selector('body[data-screen="choice"]')
    assert pad.inner_text("#ticket-number") == ticket["number"]
    assert pad.locator(".level").count() == 5
    assert pad.locator(".level svg.face").count() == 5
    pad.wait_for_timeout(300)
    pad.screenshot(path=str(shots / "pad-choice.png"))

    pad.tap(".level-1")
    pad.wait_for_selector('body[data-screen="reasons"]')
    pad.tap('.reason[data-reason="long_wait"]')
    pad.tap('.reason[data-reason="attitude"]')
    pad.fill("#comment", "等了很久")
    pad.screenshot(path=str(shots / "pad-reasons.png"))
    pad.tap("#submit")
    pad.wait_for_selector('body[data-screen="thanks"]')
    assert pad.is_visible("#thanks-bad")
    pad.screenshot(path=str(shots / "pad-thanks.png"))
    pad.wait_for_selector('body[data-screen="idle"]', timeout=15_000)

    manager = Api(hub.url).login("manager")
    rated = Api(hub.url).get(f"/tickets/{ticket['token']}").json()["rating"]
    assert rated["level"] == 1
    [item] = manager.get("/rectifications").json()
    assert item["rating"] == {"level": 1, "reasons": ["long_wait", "attitude"], "comment": "等了很久"}

    # a good rating goes straight to thanks; the next call closes an unanswered request
    finish_one(hub.url, clerk)
    pad.wait_for_selector('body[data-screen="choice"]')
    pad.tap(".level-5")
    pad.wait_for_selector('body[data-screen="thanks"]')
    assert pad.is_hidden("#thanks-bad")
    pad.wait_for_selector('body[data-screen="idle"]', timeout=15_000)
    finish_one(hub.url, clerk)
    pad.wait_for_selector('body[data-screen="choice"]')
    Api.kiosk(hub.url).issue()
    clerk.post(f"/windows/{WINDOW}/call-next")
    pad.wait_for_selector('body[data-screen="idle"]')
    assert len(manager.get("/ratings").json()) == 2


def test_an_unknown_key_says_so(hub, browser_pages, shots):
    page = browser_pages(f"{hub.url}/rate/?key=nope", *PAD, touch=True)
    assert page.is_visible(".problem")
    page.screenshot(path=str(shots / "pad-unknown-key.png"))


def test_phone_rating(hub, browser_pages, shots):
    clerk = Api.clerk(hub.url, "clerk1")
    assert clerk.post(f"/windows/{WINDOW}/open").status_code == 200
    ticket = Api.kiosk(hub.url).issue()
    phone = browser_pages(f"{hub.url}/t/{ticket['token']}", 390, 844, touch=True)
    assert phone.is_hidden("#rating")  # waiting: nothing to rate yet
    clerk.post(f"/windows/{WINDOW}/call-next")
    clerk.post(f"/windows/{WINDOW}/finish", {"outcome": "completed"})
    phone.wait_for_selector("#rating:not([hidden]) #rate-ask:not([hidden])", timeout=15_000)
    assert phone.locator(".rate-level").count() == 5
    phone.screenshot(path=str(shots / "phone-offer.png"), full_page=True)
    phone.tap('.rate-level[data-level="2"]')
    phone.wait_for_selector("#rate-reasons:not([hidden])")
    phone.check('.rate-reason input[value="not_told_at_once"]')
    phone.fill("#rate-comment", "材料清单没有说全")
    phone.screenshot(path=str(shots / "phone-reasons.png"), full_page=True)
    phone.tap("#rate-submit")
    phone.wait_for_selector("#rate-done:not([hidden])")
    assert "不满意" in phone.inner_text("#rate-done-level")
    phone.wait_for_timeout(500)  # the ticket_changed that follows keeps the thanks
    assert "感谢" in phone.inner_text("#rate-done-title")
    phone.screenshot(path=str(shots / "phone-rated.png"), full_page=True)
    answer = Api(hub.url).get(f"/tickets/{ticket['token']}").json()["rating"]
    assert answer["level"] == 2
    # the pad of the window can no longer rate it; a reload shows the rating
    phone.reload()
    phone.wait_for_selector("#rate-done:not([hidden])")
    assert "不满意" in phone.inner_text("#rate-done-level")


def login_manager(page, username: str) -> None:
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "yimen-demo")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#floor .win")


def test_manager_rectification_tab_through_to_closed(hub, browser_pages, shots):
    key = pad_key(hub.url)
    clerk = Api.clerk(hub.url, "clerk1")
    clerk.post(f"/windows/{WINDOW}/open")
    pad = Api(hub.url, device_key=key)
    bad = finish_one(hub.url, clerk)
    assert pad.post(f"/tickets/{bad['token']}/rating", {"level": 1, "reasons": ["attitude"],
                                                         "comment": "态度生硬"}).status_code == 201
    for level in (5, 5, 4, 3):
        assert pad.post(f"/tickets/{finish_one(hub.url, clerk)['token']}/rating",
                        {"level": level}).status_code == 201
    page = browser_pages(f"{hub.url}/manager/", 1600, 1000)
    login_manager(page, "manager")
    page.wait_for_selector("#notices:not([hidden]) .notice.calendar")  # 2027 is not known yet
    page.screenshot(path=str(shots / "manager-dashboard-notices.png"))

    page.click("#tabs button[data-tab=ratings]")
    page.wait_for_selector("#c-levels canvas")
    page.wait_for_selector("#g-table tbody tr")
    assert "60.0%" in page.inner_text("#g-kpis")  # satisfied: levels 5, 5, 4 of 1, 5, 5, 4, 3
    page.wait_for_timeout(600)
    page.screenshot(path=str(shots / "manager-ratings.png"), full_page=True)

    page.click("#tabs button[data-tab=rectifications]")
    page.wait_for_selector("#x-table tbody tr")
    page.click("#x-table tbody tr")
    page.wait_for_selector('#x-detail form[data-action="verify"]')
    page.click('form[data-action="verify"] button[data-value="valid"]')
    assert "请填写备注" in page.inner_text('form[data-action="verify"] .error')  # a note is required
    page.fill('form[data-action="verify"] textarea', "调取录像，属实")
    page.click('form[data-action="verify"] button[data-value="valid"]')
    page.wait_for_selector('#x-detail form[data-action="rectify"]')
    page.screenshot(path=str(shots / "manager-rectification-verified.png"), full_page=True)
    page.fill('form[data-action="rectify"] textarea', "对窗口人员批评教育，组织服务礼仪培训")
    page.click('form[data-action="rectify"] button')
    page.wait_for_selector('#x-detail form[data-action="callback"]')
    page.select_option('form[data-action="callback"] select', "4")
    page.fill('form[data-action="callback"] textarea', "电话回访，群众表示认可")
    page.click('form[data-action="callback"] button')
    page.wait_for_selector("#x-detail .status-badge.closed")
    assert page.locator("#x-detail .history li").count() == 4
    assert page.locator("#x-detail form.move").count() == 0
    page.screenshot(path=str(shots / "manager-rectification-closed.png"), full_page=True)
    [item] = Api(hub.url).login("manager").get("/rectifications?status=closed").json()
    assert [s["action"] for s in item["history"]] == ["opened", "verify", "rectify", "callback"]
    assert item["callback"] == {"reached": True, "level": 4}


def test_supervisor_reviews_an_appeal(hub, browser_pages, shots):
    clerk = Api.clerk(hub.url, "clerk1")
    clerk.post(f"/windows/{WINDOW}/open")
    ticket = finish_one(hub.url, clerk)
    assert Api(hub.url).post(f"/tickets/{ticket['token']}/rating", {"level": 2}).status_code == 201
    manager = Api(hub.url).login("manager")
    [item] = manager.get("/rectifications").json()
    assert manager.post(f"/rectifications/{item['id']}/verify",
                        {"finding": "disputed", "note": "材料不齐被退回，群众误解"}).status_code == 200
    page = browser_pages(f"{hub.url}/manager/", 1600, 1000)
    login_manager(page, "supervisor")
    page.click("#tabs button[data-tab=rectifications]")
    page.click("#x-table tbody tr")
    page.wait_for_selector('#x-detail form[data-action="review"]')
    page.fill('form[data-action="review"] textarea', "经复核，申诉成立")
    page.click('form[data-action="review"] button[data-value="overturned"]')
    page.wait_for_selector("#x-detail .status-badge.overturned")
    page.screenshot(path=str(shots / "manager-rectification-overturned.png"), full_page=True)
    summary = manager.get("/ratings/summary").json()
    assert summary["total"]["rated"] == 0 and summary["total"]["bad"] == 0


def test_the_center_files_rules_and_calendar_reach_the_pad_and_the_deadline(tmp_path, chromium, shots):
    """A hall whose file sets rules.rating_pad_seconds and rectify_working_days and closes
    the next working day in its calendar: the pad closes unanswered after 3 s, and a bad
    rating is due 5 of *its* working days later."""
    from datetime import date, datetime, timedelta
    from zoneinfo import ZoneInfo

    from server.center_file import DEMO_CENTER_PATH
    from server.holiday_source import national_holidays
    from server.queueing.working_days import WorkingCalendar
    from tests.support.hubproc import HubProcess

    tz = ZoneInfo("Asia/Shanghai")
    national = WorkingCalendar(national_holidays())
    today = datetime.now(tz).date()
    closed = national.add_working_days(today, 1)
    center = tmp_path / "hall.yaml"
    demo = DEMO_CENTER_PATH.read_text(encoding="utf-8")  # its rules name the pickup queue
    assert demo.count("\nrules:\n") == 1
    center.write_text(demo.replace("\nrules:\n", "\nrules:\n  rectify_working_days: 5\n"
                                   "  rating_pad_seconds: 3\n") +
                      f"calendar:\n  holidays: [{closed.isoformat()}]\n", encoding="utf-8")
    hub = HubProcess(tmp_path / "var", center=str(center)).start()
    try:
        key = pad_key(hub.url)
        clerk = Api.clerk(hub.url, "clerk1")
        clerk.post(f"/windows/{WINDOW}/open")
        context = chromium.new_context(viewport={"width": 1280, "height": 800}, has_touch=True)
        pad = context.new_page()
        pad.goto(f"{hub.url}/rate/?key={key}")
        pad.wait_for_selector('body[data-live="1"]')
        ticket = finish_one(hub.url, clerk)
        pad.wait_for_selector('body[data-screen="choice"]')
        pad.wait_for_selector('body[data-screen="idle"]', timeout=10_000)  # closed after 3 s
        context.close()
        assert Api(hub.url).post(f"/tickets/{ticket['token']}/rating", {"level": 1}).status_code == 201
        [item] = Api(hub.url).login("manager").get("/rectifications").json()
        due = date.fromisoformat(item["due_at"][:10])
        opened = date.fromisoformat(item["opened_at"][:10])
        assert due == national.add_working_days(opened, 6 if closed <= national.add_working_days(opened, 5) else 5)
        assert item["due_at"].endswith("T17:30:00+08:00")
        assert due - opened >= timedelta(days=6)
    finally:
        hub.stop()
