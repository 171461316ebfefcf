"""The booking page at 390×844 and the kiosk's check-in, in headless Chromium against a
real hub: book, see the code and QR, be refused a second booking that day, look it up
by its link and cancel; at the kiosk, check in with the code."""

from __future__ import annotations

from datetime import datetime

from tests.support.api import Api

from .conftest import id_number

PHONE = {"width": 390, "height": 844}


def open_page(chromium, url, viewport, errors):
    context = chromium.new_context(viewport=viewport, has_touch=True)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Refusals (409) and a missing favicon (404) are answers, not page errors.
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and "Failed to load resource" not in msg.text else None)
    page.goto(url)
    return context, page


def test_booking_page_books_refuses_a_second_and_cancels(booking_hub, chromium, artifacts):
    errors: list[str] = []
    context, page = open_page(chromium, booking_hub.url + "/book/", PHONE, errors)
    try:
        page.wait_for_function("() => document.querySelectorAll('#matters button').length > 0")
        page.fill("#search", "fp")  # pinyin initials of a tax matter (发票)
        page.wait_for_function("() => document.querySelector('#matters button')")
        page.screenshot(path=str(artifacts / "book-1-matter.png"))
        page.locator("#matters button").first.click()
        page.wait_for_selector("section[data-step=guide]:not([hidden])")
        page.screenshot(path=str(artifacts / "book-2-guide.png"))
        page.click("#guide-ok")
        page.wait_for_selector("section[data-step=slot]:not([hidden])")
        page.locator("#days button").nth(1).click()
        page.screenshot(path=str(artifacts / "book-3-slots.png"))
        page.locator("#slots button:not([disabled])").first.click()
        page.fill("#name", "张三丰")
        page.fill("#id-number", id_number(1))
        page.fill("#phone", "13812345678")
        page.screenshot(path=str(artifacts / "book-4-person.png"))
        page.click("#submit")
        page.wait_for_selector("section[data-step=lookup]:not([hidden])")
        page.wait_for_function("() => document.getElementById('qr').complete && document.getElementById('qr').naturalWidth > 0")
        code = page.text_content("#code")
        assert len(code) == 8 and code.isdigit()
        assert page.text_content("#r-name") == "张**" and page.text_content("#r-phone") == "138****5678"
        assert id_number(1) not in page.content()
        page.screenshot(path=str(artifacts / "book-5-booked.png"), full_page=True)
        link = page.get_attribute("#r-link", "href")

        # The same person, the same day, another slot: refused in words.
        page.click("a.button")
        page.wait_for_function("() => document.querySelectorAll('#matters button').length > 0")
        page.fill("#search", "fp")
        page.locator("#matters button").first.click()
        page.click("#guide-ok")
        page.wait_for_selector("section[data-step=slot]:not([hidden])")
        page.locator("#days button").nth(1).click()
        page.locator("#slots button:not([disabled])").nth(1).click()
        page.fill("#name", "张三丰")
        page.fill("#id-number", id_number(1))
        page.fill("#phone", "13812345678")
        page.click("#submit")
        page.wait_for_function("() => !document.getElementById('message').hidden && "
                               "document.getElementById('message').textContent.includes('每人每天')")
        page.screenshot(path=str(artifacts / "book-6-already-booked.png"))

        # The link looks it up; cancel.
        page.goto(link)
        page.wait_for_function("() => document.getElementById('code').textContent.length === 8")
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#cancel")
        page.wait_for_function("() => document.getElementById('status').classList.contains('cancelled')")
        page.screenshot(path=str(artifacts / "book-7-cancelled.png"))
    finally:
        context.close()
    assert errors == []


def test_kiosk_check_in_says_too_early_for_tomorrow(booking_hub, chromium, artifacts):
    api = Api(booking_hub.url)
    matter = next(m["id"] for m in api.get("/center").json()["matters"] if m["queue_id"] == "tax")
    slots = api.get("/appointments/slots", params={"matter_id": matter}).json()
    tomorrow = sorted({s["start"][:10] for s in slots})[1]
    slot = next(s for s in slots if s["start"].startswith(tomorrow))
    booked = api.post("/appointments", {"matter_id": matter, "start": slot["start"], "name": "李四",
                                        "id_number": id_number(2), "phone": "13900001111"}).json()
    errors: list[str] = []
    context, page = open_page(chromium, booking_hub.url + "/kiosk/?key=demo-kiosk-1",
                              {"width": 1080, "height": 1920}, errors)
    try:
        page.wait_for_selector("#checkin-open")
        page.screenshot(path=str(artifacts / "kiosk-checkin-1-home.png"))
        page.click("#checkin-open")
        for digit in booked["code"]:
            page.click(f"#checkin-keys button:text-is('{digit}')")
        page.screenshot(path=str(artifacts / "kiosk-checkin-2-code.png"))
        page.click("#checkin-submit")
        page.wait_for_function("() => document.getElementById('checkin-error').textContent.includes('签到时间未到')")
        refused = Api.kiosk(booking_hub.url).post("/kiosk/check-in", {"code": booked["code"]}).json()["error"]
        opens = datetime.fromisoformat(refused["details"]["opens"])  # tomorrow: said with its date
        assert page.text_content("#checkin-error") == f"签到时间未到，{opens.month}月{opens.day}日 {opens:%H:%M} 起可签到"
        page.screenshot(path=str(artifacts / "kiosk-checkin-3-too-early.png"))
    finally:
        context.close()
    assert errors == []
