"""Browser pages against a real hub: helpers to open each screen the way it is deployed."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.support.api import DEMO_PASSWORD

pytestmark = pytest.mark.browser


@dataclass
class Screens:
    """Opens pages in separate browser contexts (separate machines in the hall)."""

    browser: object
    base_url: str
    contexts: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def open(self, path: str, width: int, height: int, *, mobile: bool = False):
        context = self.browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                           is_mobile=mobile, has_touch=mobile, device_scale_factor=1)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc, p=path: self.errors.append(f"{p}: {exc}"))
        page.goto(self.base_url + path)
        return page

    def display(self, path: str = "/display/"):
        page = self.open(path, 1920, 1080)
        page.wait_for_selector('body[data-state="live"]')
        return page

    def counter(self, username: str, window_id: str):
        page = self.open("/counter/", 1366, 768)
        page.fill("#username", username)
        page.fill("#password", DEMO_PASSWORD)
        page.click("#login-button")
        page.click(f'.win-tile[data-window="{window_id}"]')
        page.wait_for_selector('body[data-window="open"][data-state="live"]')
        return page

    def phone(self, token: str):
        return self.open(f"/t/{token}", 390, 844, mobile=True)

    def panel(self, window_id: str):
        page = self.open(f"/display/window/{window_id}", 1280, 400)
        page.wait_for_selector('body[data-state="live"]')
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def screens(chromium, hub):
    opened = Screens(chromium, hub.url)
    yield opened
    opened.close()
    assert not opened.errors, opened.errors


@pytest.fixture
def shots(artifacts):
    folder = artifacts / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    return folder

