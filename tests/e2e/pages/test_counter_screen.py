"""The counter terminal at 1366×768 as a new clerk meets it, in English: no alarm before
any connection was tried, refusals in the page's language only, the toast clear of the
day's counts, every button's words inside the button, the transfer list found by pinyin.
Screenshots go to test-artifacts/counter/."""

from __future__ import annotations

import re

import pytest

from tests.support.api import DEMO_PASSWORD, Api
from tests.support.hubproc import HubProcess
from tests.support.layout import overlaps, small_texts

pytestmark = pytest.mark.browser

CHINESE = re.compile(r"[\u4e00-\u9fff]")
OVERFLOWING = """() => [...document.querySelectorAll('.action, .choice, .queue-choice')]
  .filter(b => b.checkVisibility() && (b.scrollWidth > b.clientWidth + 1 || b.scrollHeight > b.clientHeight + 1))
  .map(b => b.textContent.trim())"""


@pytest.fixture(scope="module")
def counter_hub(tmp_path_factory):
    process = HubProcess(tmp_path_factory.mktemp("counter") / "var").start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def shots(artifacts):
    folder = artifacts / "counter"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def page(chromium, counter_hub):
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(counter_hub.url + "/counter/?lang=en")
    yield page
    context.close()
    assert errors == []


def test_1_no_alarm_before_a_connection_was_tried(page, shots):
    page.wait_for_selector("#username")
    assert page.evaluate("() => document.body.dataset.state") == "idle"
    assert not page.locator("#link").is_visible()
    assert "Reconnecting" not in page.inner_text("body")
    page.screenshot(path=str(shots / "1-login.png"))
    page.fill("#username", "clerk1")
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login-button")
    page.wait_for_selector('.win-tile[data-window="w16"]')
    assert "Reconnecting" not in page.inner_text("body")
    page.screenshot(path=str(shots / "2-windows.png"))
    page.click('.win-tile[data-window="w16"]')
    page.wait_for_selector('body[data-window="open"][data-state="live"]')
    assert page.inner_text("#link-text") == "Online"


def test_2_a_refusal_is_said_in_the_pages_language(page, shots):
    page.keyboard.press("F1")  # nobody is waiting
    toast = page.locator("#message.error")
    toast.wait_for()
    text = toast.inner_text()
    assert not CHINESE.search(text) and "[" not in text and "—" not in text, text
    assert overlaps(page, "#message", ".counts-card") == []
    page.screenshot(path=str(shots / "3-refused.png"))


def test_3_buttons_and_counts_at_1366(page, counter_hub, shots):
    kiosk = Api.kiosk(counter_hub.url)
    kiosk.issue("hukou-move-in")
    kiosk.issue("hukou-move-in")
    page.wait_for_function("() => document.querySelectorAll('#waiting li[data-number]').length === 2")
    page.keyboard.press("F1")
    page.wait_for_selector('#current[data-status="called"]')
    page.keyboard.press("F3")
    page.wait_for_selector('#current[data-status="serving"]')
    page.wait_for_selector('body[data-busy="0"] [data-action="finish"]:not([disabled])')
    page.locator("#message").wait_for()
    assert page.locator('[data-action="start"]').inner_text().endswith("Start")
    assert page.evaluate(OVERFLOWING) == []
    assert overlaps(page, "#message", ".counts-card") == []
    assert [t for t in small_texts(page, 12) if t["text"]] == []
    page.screenshot(path=str(shots / "4-serving.png"))


def test_4_the_transfer_list_filters_by_pinyin(page, shots):
    page.keyboard.press("F7")
    page.wait_for_selector("#transfer-dialog[open]")
    # the page is in English: the center file's English names, found by pinyin all the same
    for typed in ("sb", "shebao", "SBYW"):
        page.fill("#transfer-filter", typed)
        names = page.locator("#transfer-list .queue-choice").all_inner_texts()
        assert names == ["SSocial Insurance"], (typed, names)
    page.fill("#transfer-filter", "gjj")
    assert page.locator("#transfer-list .queue-choice").all_inner_texts() == ["GHousing Provident Fund"]
    assert page.evaluate(OVERFLOWING) == []
    page.screenshot(path=str(shots / "5-transfer-pinyin.png"))
    page.keyboard.press("Escape")
