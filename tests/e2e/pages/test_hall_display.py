"""The hall screen read at five metres, at 1920×1080, in an English- and a Chinese-locale
browser: Chinese first with English beneath whatever the browser says, the recall chip
only on a recall, one card per number, a transferred call leaving the screen, a plain
empty state, busy queues first and idle ones on one line, nothing that informs under
28 px. Screenshots go to test-artifacts/display/."""

from __future__ import annotations

import pytest

from tests.support.api import Api
from tests.support.hubproc import HubProcess
from tests.support.layout import assert_clean, inside, overlaps, small_texts

pytestmark = pytest.mark.browser

LOCALES = ("en-US", "zh-CN")
TICKETS: dict[str, list] = {}  # numbers issued in this module (its tests run in order)
PARTS = (".brand", ".clock", "#hero", "#recent", ".queues", "footer")


@pytest.fixture(scope="module")
def hall_hub(tmp_path_factory):
    process = HubProcess(tmp_path_factory.mktemp("hall") / "var").start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def shots(artifacts):
    folder = artifacts / "display"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def displays(chromium, hall_hub):
    """One hall screen per browser locale, left open for the whole module."""
    contexts, pages, errors = [], {}, []
    for locale in LOCALES:
        context = chromium.new_context(viewport={"width": 1920, "height": 1080}, locale=locale,
                                       device_scale_factor=1)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc, loc=locale: errors.append(f"{loc}: {exc}"))
        page.goto(hall_hub.url + "/display/")
        page.wait_for_selector('body[data-state="live"]')
        pages[locale] = page
    yield pages
    for context in contexts:
        context.close()
    assert errors == []


def hero(page) -> str:
    return page.evaluate("() => document.getElementById('hero').dataset.number || ''")


def recent_numbers(page) -> list[str]:
    return page.evaluate("() => [...document.querySelectorAll('#recent li[data-number]')]"
                         ".map(li => li.dataset.number)")


def check_readable(page) -> None:
    assert small_texts(page, 28) == []
    assert_clean(page, *PARTS)


def test_1_empty_hall_is_chinese_first_whatever_the_browser(displays, shots):
    for locale, page in displays.items():
        assert page.locator("#hero-empty").is_visible()
        assert page.inner_text("#hero-empty .zh") == "暂无呼叫"
        assert page.inner_text("#hero-empty .en") == "No calls yet"
        assert not page.locator(".hero-line").is_visible()
        assert not page.locator("#hero-recall").is_visible()
        title = page.inner_text(".calling .section-title")
        assert title.count("正在呼叫") == 1 and title.count("Now calling") == 1
        assert "暂无呼叫" not in page.inner_text("#recent")
        footer = page.inner_text("footer .notice")
        assert footer.startswith("请留意叫号") and footer.count("·") == 1
        # every queue is idle: no page of zeros, one line that says so
        assert page.locator("#queue-rows tr[data-queue]").count() == 0
        assert "无需等候" in page.inner_text("#queue-rows .idle-summary")
        header = page.locator(".queue-table th.q-count").bounding_box()
        assert header["height"] < 100  # 等候 and Waiting on two lines, not one character a line
        check_readable(page)
        page.screenshot(path=str(shots / f"hall-empty-{locale}.png"))


def test_2_calls_recall_and_transfer(displays, hall_hub, shots):
    kiosk, clerk = Api.kiosk(hall_hub.url), Api.clerk(hall_hub.url, "clerk1")
    second = Api.clerk(hall_hub.url, "clerk2")
    for matter in ("hukou-move-in", "hukou-move-in", "hukou-move-in", "fund-account-open"):
        TICKETS.setdefault(kiosk.issue(matter)["number"], [])
    assert clerk.post("/windows/w16/open").ok and second.post("/windows/w09/open").ok
    assert clerk.post("/windows/w16/call-next").ok
    assert second.post("/windows/w09/call-next").ok
    for page in displays.values():
        page.wait_for_function("() => (document.getElementById('hero').dataset.number || '') !== ''")
    first = hero(displays["zh-CN"])
    for locale, page in displays.items():
        page.wait_for_function("() => document.querySelectorAll('#recent li[data-number]').length === 1")
        assert not page.locator("#hero-recall").is_visible()  # a first call is not a recall
        assert page.inner_text("#hero-sub-zh").startswith("请 ")
        assert page.inner_text("#hero-sub-en").startswith("Number ")
        # busy queues get rows, the rest one line
        rows = page.locator("#queue-rows tr[data-queue]")
        page.wait_for_function("() => document.querySelectorAll('#queue-rows tr[data-queue]').length === 1")
        assert rows.first.get_attribute("data-queue") == "police"
        check_readable(page)
        page.screenshot(path=str(shots / f"hall-called-{locale}.png"))

    # w16 recalls its ticket: the chip shows, and it moves to the front, not twice
    police = clerk.get("/windows/w16").json()["current"]["number"]
    assert clerk.post("/windows/w16/recall").ok
    for locale, page in displays.items():
        page.wait_for_selector("#hero-recall", state="visible")
        assert hero(page) == police
        assert inside(page, "#hero-recall", "#hero") and inside(page, "#hero-sub", "#hero")
        assert overlaps(page, "#hero-recall", ".hero-window", ".hero-number") == []
        assert police not in recent_numbers(page) and len(recent_numbers(page)) == 1
        check_readable(page)
        page.screenshot(path=str(shots / f"hall-recall-{locale}.png"))

    # the recalled ticket is sent to the social-insurance queue: its call leaves the screen
    assert clerk.post("/windows/w16/transfer", {"queue_id": "social-insurance"}).ok
    for page in displays.values():
        page.wait_for_function(f"() => document.getElementById('hero').dataset.number !== '{police}'")
        assert police not in recent_numbers(page)
        assert not page.locator("#hero-recall").is_visible()
    assert first in (police, hero(displays["zh-CN"]))

    # a screen opened now gets the same picture from the snapshot's board (``calls`` keeps
    # every call and recall, as the v1 contract has it)
    snapshot = Api(hall_hub.url).get("/hall").json()
    numbers = [c["number"] for c in snapshot["board"]]
    assert police not in numbers and len(numbers) == len(set(numbers))
    assert [c["number"] for c in snapshot["calls"]].count(police) == 2


def test_3_no_window_open_no_estimate_anywhere(displays, hall_hub, chromium, shots):
    """The transferred ticket waits for social insurance, where no window is open: the
    hub says so, and the hall, the phone and the kiosk show it instead of a number."""
    queue = next(q for q in Api(hall_hub.url).get("/queues").json() if q["id"] == "social-insurance")
    assert queue["waiting"] == 1 and queue["open_windows"] == 0 and queue["no_window_open"] is True
    token = next(t for t in Api.clerk(hall_hub.url).get("/windows/w01").json()["waiting"])["token"]
    ticket = Api(hall_hub.url).get(f"/tickets/{token}").json()
    assert ticket["no_window_open"] is True and ticket["next_opening"] == queue["next_opening"]
    police = next(q for q in Api(hall_hub.url).get("/queues").json() if q["id"] == "police")
    assert police["no_window_open"] is False and police["next_opening"] is None

    for locale, page in displays.items():
        row = page.locator('#queue-rows tr[data-queue="social-insurance"] td.q-wait')
        row.wait_for()
        assert "分钟" not in row.inner_text() and "min" not in row.inner_text()
        note = page.inner_text('#queue-rows tr[data-queue-note="social-insurance"]')
        assert "暂无窗口办理" in note and "No window open" in note
        if queue["next_opening"]:
            assert queue["next_opening"][11:16] in note
        check_readable(page)
        page.screenshot(path=str(shots / f"hall-no-window-{locale}.png"))

    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                   has_touch=True)
    try:
        phone = context.new_page()
        phone.goto(f"{hall_hub.url}/t/{token}")
        phone.wait_for_selector('body[data-live="1"]')
        wait = phone.inner_text("#wait") + phone.inner_text("#wait-unit")
        assert "暂无窗口办理" in wait and "分钟" not in wait
        phone.screenshot(path=str(shots / "phone-no-window.png"))
        kiosk = context.new_page()
        kiosk.goto(f"{hall_hub.url}/kiosk/?key=demo-kiosk-1")
        kiosk.click("#search-open")
        for letter in "ylbx":
            kiosk.click(f".kb-key[data-key={letter}]")
        kiosk.locator("#results .row").first.click()
        kiosk.locator("#guide-wait").wait_for()
        kiosk.wait_for_function("() => document.getElementById('guide-wait').textContent.includes('暂无窗口办理')")
        assert "分钟" not in kiosk.inner_text("#guide-wait")
    finally:
        context.close()


def test_4_a_loopback_qr_address_is_warned_of(hall_hub, chromium, shots):
    """This hub runs without YIMEN_PUBLIC_URL and its kiosk calls reached it at 127.0.0.1:
    it said so at start, and the managers' dashboard says so."""
    assert "YIMEN_PUBLIC_URL is not set" in hall_hub.output()
    issued = Api.kiosk(hall_hub.url).post("/kiosk/tickets", {"matter_id": "hukou-move-in"}).json()
    assert issued["public_status_url"].startswith("http://127.0.0.1:")
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(hall_hub.url + "/manager/")
        page.fill("input[name=username]", "manager")
        page.fill("input[name=password]", "yimen-demo")
        page.click("#login-form button[type=submit]")
        warning = page.locator("#public-url-warning")
        warning.wait_for()
        assert "127.0.0.1" in warning.inner_text() and "YIMEN_PUBLIC_URL" in warning.inner_text()
        assert_clean(page, "#public-url-warning")
        page.screenshot(path=str(shots / "manager-public-url-warning.png"))
    finally:
        context.close()


def test_5_the_phone_says_which_windows_serve_and_what_accepted_means(hall_hub, chromium, shots):
    """A transferred ticket's phone names the new queue and its windows; an accepted
    ticket says accepted with the matter's time limit, not done."""
    clerk = Api.clerk(hall_hub.url, "clerk1")
    moved = next(t for t in clerk.get("/windows/w01").json()["waiting"])
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                   has_touch=True)
    try:
        phone = context.new_page()
        phone.goto(f"{hall_hub.url}/t/{moved['token']}")
        phone.wait_for_selector('body[data-live="1"]')
        line = phone.inner_text("#served-by")
        assert line == "已转入 社保业务 · 1-8 号窗口办理", line
        assert_clean(phone, "#served-by", ".facts")
        phone.screenshot(path=str(shots / "phone-transferred.png"))

        current = clerk.get("/windows/w16").json()["current"]
        if current is None:
            assert clerk.post("/windows/w16/call-next").ok
            current = clerk.get("/windows/w16").json()["current"]
        assert clerk.post("/windows/w16/start").ok
        assert clerk.post("/windows/w16/finish", {"outcome": "accepted"}).ok
        phone.goto(f"{hall_hub.url}/t/{current['token']}")
        phone.wait_for_selector("#accepted-line", state="visible")  # 户口迁入 has a time limit
        assert phone.inner_text("#status") == "已受理"
        assert "已办结" not in phone.inner_text("body")
        assert "7 个工作日" in phone.inner_text("#accepted-line")  # 户口迁入's time limit
        phone.screenshot(path=str(shots / "phone-accepted.png"))
    finally:
        context.close()


def test_6_the_manager_reads_b1_names_queues_and_keeps_a_pause_paused(hall_hub, chromium, shots):
    clerk = Api.clerk(hall_hub.url, "clerk1")
    if clerk.get("/windows/w16").json()["current"]:
        clerk.post("/windows/w16/no-show")
    assert clerk.post("/windows/w16/pause", {"reason": "午休"}).ok
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(hall_hub.url + "/manager/")
        page.fill("input[name=username]", "manager")
        page.fill("input[name=password]", "yimen-demo")
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("#floor .win")
        tile = page.locator("#floor .win.paused").filter(has_text="午休")
        tile.wait_for()
        assert page.locator("#floor .win.unattended").count() == 0
        shown = page.inner_text("#queues-shown")
        assert "共 35 个队列" in shown or "个队列" in shown
        assert "(分钟)" in page.inner_text("#queues thead")
        page.screenshot(path=str(shots / "manager-dashboard.png"))

        page.click('#tabs button[data-tab="lookup"]')
        page.fill("#l-number", "b1")
        page.click("#l-run")
        page.wait_for_selector("#l-table tbody tr:nth-child(3)")
        text = page.inner_text("#l-table")
        assert "公安业务 → 社保业务" in text and "social-insurance" not in text
        kpis = page.inner_text("#l-kpis")
        assert "B001" in kpis and "–" not in kpis.split("实际")[1].split("\n")[1]
        page.screenshot(path=str(shots / "manager-lookup.png"))
    finally:
        context.close()
