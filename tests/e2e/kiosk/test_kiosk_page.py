"""A visitor at the lobby kiosk, in headless Chromium against a real hub: search by
pinyin initials, read the one-time notification, take a ticket. Screenshots of every
screen go to test-artifacts/kiosk/."""

from __future__ import annotations

import re

import pytest

from tests.support.api import Api

pytestmark = pytest.mark.browser

SCREENS = {"portrait": (1080, 1920), "landscape": (1920, 1080)}


@pytest.fixture
def shots(artifacts):
    folder = artifacts / "kiosk"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture
def open_kiosk(chromium, hub):
    contexts = []

    def open_page(orientation: str, lang: str = "zh"):
        width, height = SCREENS[orientation]
        context = chromium.new_context(viewport={"width": width, "height": height}, has_touch=True)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.errors = errors
        page.goto(f"{hub.url}/kiosk/?key=demo-kiosk-1&lang={lang}")
        page.locator("[data-screen=home] .group-tile").first.wait_for()
        return page

    yield open_page
    for context in contexts:
        context.close()


def visible(page, screen: str):
    return page.locator(f"section[data-screen={screen}]:not([hidden])")


@pytest.mark.parametrize("orientation", sorted(SCREENS))
def test_search_guide_take_ticket(open_kiosk, hub, shots, orientation):
    page = open_kiosk(orientation)
    assert "key=" not in page.url  # the key is kept in localStorage, not in the address
    page.locator("#link-pill.ok").wait_for()
    page.screenshot(path=shots / f"{orientation}-1-home.png")

    page.click("#search-open")
    for letter in "hkqr":
        page.tap(f".kb-key[data-key={letter}]")
    first = page.locator("#results .row").first
    assert first.locator(".row-name").inner_text() == "户口迁入"
    page.screenshot(path=shots / f"{orientation}-2-search.png")

    first.click()
    guide = visible(page, "guide")
    guide.wait_for()
    assert page.locator("#guide-name").inner_text() == "户口迁入"
    assert "居民身份证" in page.locator("#guide-materials").inner_text()
    assert page.locator("#guide-windows").inner_text() == "16-23 号窗口"  # the paper's form: 16-23号窗口
    assert page.locator("#guide-limit").inner_text() == "7 个工作日"
    assert page.locator("#guide-waiting").inner_text() == "0 人"
    page.screenshot(path=shots / f"{orientation}-3-guide.png")

    page.click("#take-ticket")
    visible(page, "ticket").wait_for()
    assert page.locator("#ticket-number").inner_text() == "B001"
    assert "16-23" in page.locator("#ticket-windows").inner_text()
    page.locator("#print-state.ok").wait_for(timeout=10000)  # the hub's preview printer
    assert page.locator("#ticket-qr").evaluate("img => img.complete && img.naturalWidth > 0")
    page.screenshot(path=shots / f"{orientation}-4-ticket.png")

    token = page.locator("#ticket-qr").get_attribute("src").split("/")[-2]
    assert Api(hub.url).get(f"/tickets/{token}").json()["number"] == "B001"
    page.click("#ticket-done")
    visible(page, "home").wait_for()
    assert page.errors == []


def test_browse_by_group_and_priority_ticket_in_english(open_kiosk, shots):
    page = open_kiosk("landscape", "en")
    assert page.locator(".group-tile[data-group=standalone] .group-name").inner_text() == "Standalone window"
    page.click(".group-tile[data-group=standalone]")
    visible(page, "units").wait_for()
    page.screenshot(path=shots / "landscape-en-1-units.png")
    page.click(".tile[data-unit=police]")
    visible(page, "matters").wait_for()
    page.click(".row[data-matter=hukou-move-in]")
    visible(page, "guide").wait_for()
    assert page.locator("#guide-fees").inner_text() == "Free of charge"
    page.click("#take-priority")
    visible(page, "priority").wait_for()
    page.screenshot(path=shots / "landscape-en-2-priority.png")
    page.click(".reason[data-reason=elderly]")
    visible(page, "ticket").wait_for()
    assert page.locator("#ticket-priority").inner_text() == "Priority · Elderly"
    page.locator("#print-state.ok").wait_for(timeout=10000)
    page.screenshot(path=shots / "landscape-en-3-ticket.png")
    assert page.errors == []


def test_a_lost_answer_is_retried_without_a_second_ticket(open_kiosk, hub, shots):
    """The hub issues the ticket but the answer never reaches the kiosk: the page
    retries with the same idempotency key and shows the one ticket."""
    page = open_kiosk("portrait")
    bodies: list[str] = []

    def lose_first_answer(route):
        bodies.append(route.request.post_data)
        if len(bodies) == 1:
            route.fetch()  # the hub gets it and issues B001...
            route.abort("connectionreset")  # ...but the kiosk never hears back
        else:
            route.continue_()

    page.route(re.compile(r".*/api/v1/kiosk/tickets$"), lose_first_answer)
    page.click("#search-open")
    page.fill("#search-input", "hkqr")
    page.locator("#results .row").first.click()
    page.click("#take-ticket")
    visible(page, "ticket").wait_for()
    assert page.locator("#ticket-number").inner_text() == "B001"
    assert len(bodies) == 2 and bodies[0] == bodies[1]  # the same idempotency key
    next_ticket = Api.kiosk(hub.url).issue("hukou-move-in")
    assert next_ticket["number"] == "B002"  # only one ticket was made before it


def test_the_kiosk_rides_out_a_hub_restart(open_kiosk, hub, shots):
    page = open_kiosk("portrait")
    page.click(".group-tile[data-group=standalone]")
    page.click(".tile[data-unit=police]")
    page.click(".row[data-matter=hukou-move-in]")
    visible(page, "guide").wait_for()

    hub.stop()
    page.click("#take-ticket")
    page.locator("#issuing-note", has_text="重试").wait_for(timeout=10000)
    page.locator("#link-pill.bad").wait_for()
    page.screenshot(path=shots / "portrait-5-retrying.png")
    hub.start()

    visible(page, "ticket").wait_for(timeout=30000)
    assert page.locator("#ticket-number").inner_text() == "B001"
    page.locator("#link-pill.ok").wait_for(timeout=15000)


def test_cannot_issue_is_said_clearly(chromium, hub, shots):
    context = chromium.new_context(viewport={"width": 1080, "height": 1920})
    try:
        page = context.new_page()
        page.goto(f"{hub.url}/kiosk/")
        visible(page, "setup").wait_for()
        assert "?key=" in page.locator("[data-screen=setup]").inner_text()
        page.goto(f"{hub.url}/kiosk/?key=demo-kiosk-1")
        page.locator("[data-screen=home] .group-tile").first.wait_for()
        page.route(re.compile(r".*/api/v1/kiosk/tickets$"), lambda route: route.fulfill(
            status=403, content_type="application/json",
            body='{"error": {"code": "forbidden", "message": "this needs a kiosk device"}}'))
        page.click("#search-open")
        page.fill("#search-input", "hkqr")
        page.locator("#results .row").first.click()
        page.click("#take-ticket")
        visible(page, "failed").wait_for()
        assert "密钥" in page.locator("#failed-reason").inner_text()
        page.screenshot(path=shots / "portrait-6-cannot-issue.png")
    finally:
        context.close()
