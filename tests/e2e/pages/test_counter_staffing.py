"""The counter shows the clerk's post, and explains a refusal by the posts."""

from __future__ import annotations

from tests.support.api import Api


def test_post_badge_and_refusal_on_the_counter(screens, hub, shots):
    manager = Api(hub.url).login("manager")
    manager.put("/windows/w20/posts", {"A": "clerk5", "B": "clerk6"})
    manager.put("/windows/w22/posts", {"A": "clerk5"})
    counter = screens.counter("clerk6", "w20")
    title = counter.inner_text("#window-title")
    assert "20号窗口" in title and "B岗" in title
    counter.screenshot(path=str(shots / "counter-b-post.png"))

    outsider = screens.open("/counter/", 1366, 768)
    outsider.fill("#username", "clerk7")
    outsider.fill("#password", "yimen-demo")
    outsider.click("#login-button")
    outsider.click('.win-tile[data-window="w22"]')  # clerk7 holds no post there
    outsider.wait_for_selector("text=您不在该窗口的 A/B 岗", timeout=3000)
    outsider.click('.win-tile[data-window="w21"]')  # w21 has no posts: fine
    outsider.wait_for_selector('body[data-window="open"][data-state="live"]')
    assert "岗" not in outsider.inner_text("#window-title")
