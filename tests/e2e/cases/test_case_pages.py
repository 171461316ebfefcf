"""The cases pages in headless Chromium against a real hub: the manager's cases tab
(1440×900) deciding a case, the kiosk's pickup screen (1080×1920) turning a scanned
case number into a pickup ticket, and the refusal of one not decided yet. Screenshots
go to test-artifacts/cases/."""

from __future__ import annotations

import pytest

from tests.support.api import Api

pytestmark = pytest.mark.browser

POLICE_WINDOW = "w16"


@pytest.fixture
def shots(artifacts):
    folder = artifacts / "cases"
    folder.mkdir(exist_ok=True)
    return folder


def accepted_cases(hub, count: int) -> list[str]:
    """``count`` hukou tickets accepted at the police window: their case numbers."""
    clerk, kiosk = Api.clerk(hub.url, "clerk1"), Api.kiosk(hub.url)
    assert clerk.post(f"/windows/{POLICE_WINDOW}/open").status_code == 200
    numbers = []
    for _ in range(count):
        kiosk.issue("hukou-move-in")
        clerk.post(f"/windows/{POLICE_WINDOW}/call-next").raise_for_status()
        finished = clerk.post(f"/windows/{POLICE_WINDOW}/finish", {"outcome": "accepted"}).json()
        numbers.append(finished["case"]["case_no"])
    return numbers


def open_page(chromium, url, width, height, errors):
    context = chromium.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                   has_touch=True)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    return context, page


def test_the_managers_case_list_and_deciding_one(chromium, hub, shots):
    case_nos = accepted_cases(hub, 3)
    errors: list[str] = []
    context, page = open_page(chromium, hub.url + "/manager/#cases", 1440, 900, errors)
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", "yimen-demo")
    page.click("#login-form button[type=submit]")
    page.click('#tabs button[data-tab="cases"]')
    page.wait_for_function("() => document.querySelectorAll('#k-open tbody tr').length === 3")
    rows = page.locator("#k-open tbody tr")
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(3)] == case_nos
    assert page.locator("#k-kpis .kpi").first.inner_text().split()[-1] == "3"
    assert "police" not in page.locator("#k-units").inner_text()  # the unit's name, not its id
    page.screenshot(path=str(shots / "case-list-1440x900.png"))

    page.once("dialog", lambda dialog: dialog.accept("准予迁入"))
    page.locator(f'#k-open button[data-case-no="{case_nos[0]}"][data-result="approved"]').click()
    page.wait_for_function("() => document.querySelectorAll('#k-open tbody tr').length === 2")
    decided = Api(hub.url).login("manager").get(f"/cases/{case_nos[0]}").json()
    assert (decided["status"], decided["result"], decided["note"]) == ("decided", "approved", "准予迁入")
    context.close()
    assert errors == []


def test_the_kiosk_pickup_screen_scanned_and_typed(chromium, hub, shots):
    ready, waiting = accepted_cases(hub, 2)
    manager = Api(hub.url).login("manager")
    assert manager.post(f"/cases/{ready}/decide", {"result": "approved"}).status_code == 200
    errors: list[str] = []
    context, page = open_page(chromium, f"{hub.url}/kiosk/?key=demo-kiosk-1", 1080, 1920, errors)
    page.locator("[data-screen=home] .group-tile").first.wait_for()
    page.locator("#pickup-open:not([hidden])").wait_for()
    page.screenshot(path=str(shots / "kiosk-home-with-pickup-1080x1920.png"))

    # Typed on the keypad: a case not decided yet is refused with its due date.
    page.click("#pickup-open")
    for ch in waiting:
        page.click(f'#pickup-keyboard button.kb-key:text-is("{ch}")')
    assert page.input_value("#pickup-input") == waiting
    page.screenshot(path=str(shots / "kiosk-pickup-typed-1080x1920.png"))
    page.click("#pickup-submit")
    page.locator("#pickup-error:not([hidden])").wait_for()
    due = manager.get(f"/cases/{waiting}").json()["due_at"][:16].replace("T", " ")
    assert due in page.inner_text("#pickup-error")
    page.screenshot(path=str(shots / "kiosk-pickup-not-ready-1080x1920.png"))

    # Scanned on the start screen: the hand scanner types the QR's text and Enter.
    page.click("[data-screen=pickup] [data-back]")
    page.locator("section[data-screen=home]:not([hidden])").wait_for()
    page.keyboard.type(ready.lower(), delay=5)
    page.keyboard.press("Enter")
    page.locator("section[data-screen=ticket]:not([hidden])").wait_for()
    assert page.inner_text("#ticket-number") == "P001"
    assert page.inner_text("#ticket-matter") == f"取件 · {ready} · 户口迁入"
    assert "69-72" in page.inner_text("#ticket-windows")
    page.screenshot(path=str(shots / "kiosk-pickup-ticket-1080x1920.png"))
    context.close()
    assert errors == []


def test_the_counter_prints_the_receipt_and_decides_in_the_back_office(chromium, tmp_path, fake_printer,
                                                                       shots):
    from pyzbar.pyzbar import decode

    from hardware.escpos_encode import parse_raster
    from tests.support.hubproc import HubProcess

    printer = fake_printer()
    hub = HubProcess(tmp_path / "var", env={"YIMEN_WINDOW_PRINTERS": f"{POLICE_WINDOW}={printer.spec}"})
    hub.start()
    try:
        admin = Api(hub.url).login("admin")
        assert admin.post("/users", {"username": "police-b", "password": "secret-pass-1", "role": "clerk",
                                     "name": "李警官", "unit_id": "police"}).status_code == 201
        Api.kiosk(hub.url).issue("hukou-move-in")
        errors: list[str] = []
        context, page = open_page(chromium, hub.url + "/counter/", 1366, 768, errors)
        page.fill("#username", "police-b")
        page.fill("#password", "secret-pass-1")
        page.click("#login-button")
        page.click(f'.win-tile[data-window="{POLICE_WINDOW}"]')
        page.wait_for_selector('body[data-window="open"][data-state="live"]')
        page.click('[data-action="call-next"]')
        page.wait_for_function("() => !document.querySelector('[data-action=\"finish\"]').disabled")
        page.click('[data-action="finish"]')
        page.click('#finish-dialog [data-outcome="accepted"]')
        page.locator("#receipt-bar:not([hidden])").wait_for()
        case_no = page.inner_text("#receipt-case").split()[1].split("，")[0]
        page.click("#receipt-print")
        page.locator("#receipt-bar.ok").wait_for()
        scanned = [s.data.decode() for s in decode(parse_raster(b"".join(printer.wait_for_connections(1)))
                                                   .convert("L"))]
        assert scanned == [case_no]
        page.screenshot(path=str(shots / "counter-receipt-1366x768.png"))

        page.click("#backoffice-open")
        page.wait_for_function("() => document.querySelectorAll('#backoffice-list tr').length === 1")
        page.screenshot(path=str(shots / "counter-back-office-1366x768.png"))
        page.fill("#backoffice-note", "准予迁入")
        page.click('#backoffice-list button[data-result="approved"]')
        page.wait_for_function("() => document.querySelectorAll('#backoffice-list tr').length === 0")
        decided = Api(hub.url).login("manager").get(f"/cases/{case_no}").json()
        assert (decided["status"], decided["note"]) == ("decided", "准予迁入")
        context.close()
        assert errors == []
    finally:
        hub.stop()
