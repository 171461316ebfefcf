"""The live screens together: a kiosk issues, the counter calls, the hall display shows
and announces it, the window panel and the visitor's phone follow; then a hub restart."""

from __future__ import annotations

import threading
import time

from tests.support.api import Api
from tests.support.waiting import wait_for_still

ANNOUNCEMENTS = "() => { const s = window.yimenAnnouncer.state();" \
                " return [...s.played, ...(s.playing ? [s.playing] : []), ...s.queued]; }"


def announced(page) -> list[dict]:
    """Every announcement the display has played, is playing or has queued, in order."""
    return page.evaluate(ANNOUNCEMENTS)


def wait_announced(page, count: int, timeout_ms: int = 5000) -> list[dict]:
    page.wait_for_function(f"() => ({ANNOUNCEMENTS})().length >= {count}", timeout=timeout_ms)
    return announced(page)


def test_a_call_reaches_every_screen(hub, kiosk, screens, shots):
    first = kiosk.issue("hukou-move-in")
    kiosk.issue("hukou-move-in", priority=True, priority_reason="elderly")
    kiosk.issue("hukou-move-in")

    display = screens.display()
    zone = screens.display("/display/f1")
    counter = screens.counter("clerk1", "w16")
    panel = screens.panel("w16")
    phone = screens.phone(first["token"])
    phone.wait_for_selector('body[data-live="1"]')
    assert phone.inner_text("#number") == "B001"
    assert "居民身份证" in phone.inner_text(".materials")
    phone.screenshot(path=str(shots / "phone-waiting.png"))

    # The priority ticket is called first; the waiting list marks it.
    assert counter.locator("#waiting li.prio").count() == 1
    started = time.monotonic()
    counter.keyboard.press("F1")
    display.wait_for_selector('#hero[data-number="B002"]', timeout=1000)
    assert time.monotonic() - started < 1.0
    zone.wait_for_selector('#hero[data-number="B002"]', timeout=1000)
    calls = wait_announced(display, 1, 1000)
    assert calls[0]["url"].endswith("announce?number=B002&window=16") and calls[0]["recall"] is False
    panel.wait_for_function("() => document.getElementById('number').textContent === 'B002'", timeout=1000)
    counter.wait_for_selector('#current[data-status="called"]')
    assert counter.inner_text("#current-number") == "B002"
    assert "居民身份证" in counter.inner_text("#guide")

    # The visitor of B001 is called out of turn from the waiting list.
    counter.keyboard.press("F6")  # B002 did not come
    counter.wait_for_selector("#current:not([data-status='called'])")
    counter.click('#waiting li[data-number="B001"] .call-this')
    phone.wait_for_selector('body[data-status="called"]', timeout=2000)
    assert not phone.locator("#called").is_hidden()
    assert "16" in phone.inner_text("#called-window")
    display.wait_for_selector('#hero[data-number="B001"]', timeout=1000)
    wait_for_still(phone)  # the notice pops in over 0.4 s
    phone.screenshot(path=str(shots / "phone-called.png"))

    # A recall is announced again.
    counter.keyboard.press("F2")
    calls = wait_announced(display, 3)
    assert [(c["number"], c["recall"]) for c in calls] == [("B002", False), ("B001", False), ("B001", True)]
    display.wait_for_selector("#hero-recall:not([hidden])")
    display.screenshot(path=str(shots / "display-hall.png"))
    zone.screenshot(path=str(shots / "display-zone-f1.png"))
    panel.screenshot(path=str(shots / "display-window-panel.png"))
    counter.screenshot(path=str(shots / "counter-called.png"))

    # Serve and finish with an outcome chosen in the dialog (keyboard only).
    counter.keyboard.press("F3")
    counter.wait_for_selector('#current[data-status="serving"]')
    panel.wait_for_function("() => document.body.dataset.status === 'serving'", timeout=3000)
    counter.keyboard.press("F4")
    counter.wait_for_selector("#finish-dialog[open]")
    counter.screenshot(path=str(shots / "counter-finish-dialog.png"))
    counter.keyboard.press("1")
    counter.wait_for_selector('#current[data-status=""]')
    phone.wait_for_selector('body[data-status="done"]')
    counter.wait_for_function("() => document.getElementById('count-completed').textContent === '1'")
    assert counter.inner_text("#count-no_show") == "1"
    assert counter.inner_text("#count-called") == "2"


def test_the_counter_transfers_pauses_and_reports_errors(hub, kiosk, screens, shots):
    ticket = kiosk.issue("hukou-move-in")
    counter = screens.counter("clerk1", "w16")
    panel = screens.panel("w16")
    counter.keyboard.press("F1")
    counter.wait_for_selector('#current[data-status="called"]')

    counter.keyboard.press("F7")
    counter.wait_for_selector("#transfer-dialog[open]")
    counter.fill("#transfer-filter", "社保")
    counter.click('#transfer-list [data-queue="social-insurance"]')
    counter.wait_for_selector('#current[data-status=""]')
    moved = Api(hub.url).get(f"/tickets/{ticket['token']}").json()
    assert moved["status"] == "waiting" and moved["queue_id"] == "social-insurance"

    # Nobody is waiting for this window any more: the hub's refusal is shown.
    counter.keyboard.press("F1")
    counter.wait_for_selector(".message.error:not([hidden])")
    assert counter.inner_text("#message") == "当前没有等候的号"  # the hub's words, in the page's language

    counter.keyboard.press("F8")
    counter.wait_for_selector("#pause-dialog[open]")
    counter.keyboard.press("1")
    counter.wait_for_selector('body[data-window="paused"]')
    assert counter.is_visible("#paused-banner")
    # The buttons are the hub's allowed_actions, nothing of the page's own.
    allowed = Api.clerk(hub.url, "clerk1").get("/windows/w16").json()["allowed_actions"]
    assert allowed == ["resume", "close"]
    counter.wait_for_function(
        """(allowed) => [...document.querySelectorAll("[data-action]:not([disabled])")]
             .map((b) => b.dataset.action.replace(/-/g, "_")).join() === allowed.join()""", arg=allowed)
    panel.wait_for_function("() => document.body.dataset.status === 'paused'", timeout=4000)
    counter.screenshot(path=str(shots / "counter-paused.png"))
    panel.screenshot(path=str(shots / "display-window-panel-paused.png"))
    counter.keyboard.press("F8")
    counter.wait_for_selector('body[data-window="open"]')


def test_a_double_click_calls_once(hub, kiosk, screens):
    for _ in range(3):
        kiosk.issue("hukou-move-in")
    counter = screens.counter("clerk1", "w16")
    calls = []
    counter.on("request", lambda r: calls.append(r.url) if r.method == "POST" and "/call" in r.url else None)
    counter.dblclick('[data-action="call-next"]')
    counter.keyboard.press("F1")
    counter.wait_for_selector('#current[data-status="called"]')
    # The one request has been answered and the page is idle again: nothing more is sent.
    counter.wait_for_function("() => !window.yimenCounter.busy")
    assert [u.rsplit("/", 1)[1] for u in calls] == ["call-next"]
    clerk = Api.clerk(hub.url, "clerk1")
    assert clerk.get("/auth/me/today").json()["called"] == 1
    assert [t["number"] for t in clerk.get("/windows/w16").json()["waiting"]] == ["B002", "B003"]


def test_two_windows_calling_at_once_are_both_announced_in_order(hub, kiosk, screens, shots):
    kiosk.issue("hukou-move-in")
    kiosk.issue("hukou-move-in")
    display = screens.display()
    clerks = [Api.clerk(hub.url, "clerk1"), Api.clerk(hub.url, "clerk2")]
    for clerk, window in zip(clerks, ("w16", "w17"), strict=True):
        assert clerk.post(f"/windows/{window}/open").status_code == 200
    barrier = threading.Barrier(2)
    answers = {}

    def call(clerk, window):
        barrier.wait()
        answers[window] = clerk.post(f"/windows/{window}/call-next").json()

    threads = [threading.Thread(target=call, args=(c, w)) for c, w in zip(clerks, ("w16", "w17"), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {a["number"] for a in answers.values()} == {"B001", "B002"}

    calls = wait_announced(display, 2, 2000)
    assert len(calls) == 2
    assert {(c["number"], c["window"]) for c in calls} == {(answers["w16"]["number"], 16),
                                                         (answers["w17"]["number"], 17)}
    # the screen shows the one announced last as the newest call, the other in the list
    assert display.get_attribute("#hero", "data-number") == calls[1]["number"]
    assert display.locator(f'#recent li[data-number="{calls[0]["number"]}"]').count() == 1
    # both are spoken to the end, one after the other
    display.wait_for_function("() => window.yimenAnnouncer.state().played.length >= 2", timeout=30000)
    played = display.evaluate("() => window.yimenAnnouncer.state().played")
    assert [p["number"] for p in played] == [c["number"] for c in calls]
    assert [p["result"] for p in played] == ["ended", "ended"]
    assert all(p["ms"] > 4000 for p in played)  # each plays its whole length (> 4 s), not cut short


def test_every_page_recovers_after_a_hub_restart(hub, kiosk, screens, shots):
    first = kiosk.issue("hukou-move-in")
    second = kiosk.issue("hukou-move-in")
    display = screens.display()
    counter = screens.counter("clerk1", "w16")
    phone = screens.phone(first["token"])
    panel = screens.panel("w16")
    counter.keyboard.press("F1")
    phone.wait_for_selector('body[data-status="called"]')

    hub.restart()
    for page in (display, counter, panel):
        page.wait_for_selector('body[data-state="live"]', timeout=20000)
    phone.wait_for_selector('body[data-live="1"]', timeout=20000)
    assert counter.inner_text("#current-number") == "B001"
    assert display.get_attribute("#hero", "data-number") == "B001"

    # the pages follow events again after the restart
    counter.keyboard.press("F6")
    counter.wait_for_selector('#current[data-status=""]')
    phone.wait_for_selector('body[data-status="no_show"]')
    counter.keyboard.press("F1")
    display.wait_for_selector('#hero[data-number="B002"]', timeout=2000)
    panel.wait_for_function("() => document.getElementById('number').textContent === 'B002'", timeout=2000)
    assert any(c["number"] == "B002" for c in announced(display))
    second_phone = screens.phone(second["token"])
    second_phone.wait_for_selector('body[data-status="called"]')
    display.screenshot(path=str(shots / "display-after-restart.png"))
    counter.screenshot(path=str(shots / "counter-after-restart.png"))


# Chromium's autoplay rule as a new hall PC has it: play() is refused until a tap.
AUTOPLAY_RULE = """(() => {
  let tapped = false;
  addEventListener("pointerdown", () => { tapped = true; }, true);
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function () {
    return tapped ? play.call(this) : Promise.reject(new DOMException("no gesture", "NotAllowedError"));
  };
})();"""


def test_sound_waits_for_one_tap_when_autoplay_is_refused(hub, kiosk, clerk, screens, shots):
    kiosk.issue("hukou-move-in")
    context = screens.browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    screens.contexts.append(context)
    context.add_init_script(AUTOPLAY_RULE)
    page = context.new_page()
    page.goto(hub.url + "/display/")
    page.wait_for_selector("#sound-overlay:not([hidden])")
    clerk.post("/windows/w16/open")
    clerk.post("/windows/w16/call-next")
    page.wait_for_function("() => window.yimenAnnouncer.state().queued.length === 1")
    page.screenshot(path=str(shots / "display-enable-sound.png"))
    page.click("#sound-button")
    page.wait_for_selector("#sound-overlay", state="hidden")
    page.wait_for_function("() => window.yimenAnnouncer.state().playing?.number === 'B001'")
