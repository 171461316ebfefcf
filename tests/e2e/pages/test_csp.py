"""Every page under the hub's Content-Security-Policy, in headless Chromium: no violation
reported (``securitypolicyviolation`` events and console errors), and each page still
does its job: the kiosk issues a ticket, the counter calls it, the hall screen and the
phone show the call, the manager's tabs draw their charts."""

from __future__ import annotations

import pytest

from tests.support.api import DEMO_PASSWORD, Api

pytestmark = pytest.mark.browser

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") +
                              " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


class CspPages:
    def __init__(self, browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.pages: list = []
        self.contexts: list = []
        self.problems: list[str] = []

    def open(self, path: str, width: int = 1366, height: int = 768, **options):
        context = self.browser.new_context(viewport={"width": width, "height": height},
                                           locale="zh-CN", **options)
        context.add_init_script(WATCH_VIOLATIONS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc, p=path: self.problems.append(f"{p}: {exc}"))
        page.on("console", lambda msg, p=path: self._console(p, msg))
        self.pages.append((path, page))
        response = page.goto(self.base_url + path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert "unsafe-inline" not in _directive(response.headers["content-security-policy"], "script-src")
        return page

    def _console(self, path: str, msg) -> None:
        if msg.type == "error" and "Content Security Policy" in msg.text:
            self.problems.append(f"{path}: {msg.text}")

    def violations(self) -> list[str]:
        found = list(self.problems)
        for path, page in self.pages:
            if not page.is_closed():
                found += [f"{path}: {v}" for v in page.evaluate("window.__cspViolations || []")]
        return found

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def _directive(policy: str, name: str) -> str:
    return next(part for part in policy.split(";") if part.strip().startswith(name + " "))


@pytest.fixture
def csp_pages(chromium, hub):
    pages = CspPages(chromium, hub.url)
    yield pages
    pages.close()


def test_every_page_runs_under_the_policy(csp_pages, hub, shots):
    kiosk = csp_pages.open("/kiosk/?key=demo-kiosk-1", 1080, 1920, has_touch=True)
    kiosk.locator("[data-screen=home] .group-tile").first.wait_for()
    kiosk.click("#search-open")
    for letter in "hkqr":
        kiosk.tap(f".kb-key[data-key={letter}]")
    kiosk.locator("#results .row").first.click()
    kiosk.click("#take-ticket")
    kiosk.locator("section[data-screen=ticket]:not([hidden])").wait_for()
    number = kiosk.locator("#ticket-number").inner_text()
    kiosk.wait_for_function("() => document.querySelector('#ticket-qr').naturalWidth > 0")  # the QR image loads
    token = Api.clerk(hub.url, "manager").get(f"/tickets/lookup?number={number}").json()["ticket"]["token"]

    display = csp_pages.open("/display/", 1920, 1080)
    display.wait_for_selector('body[data-state="live"]')
    panel = csp_pages.open("/display/window/w16", 1280, 400)
    panel.wait_for_selector('body[data-state="live"]')
    phone = csp_pages.open(f"/t/{token}", 390, 844, is_mobile=True, has_touch=True)
    phone.wait_for_selector('body[data-live="1"]')  # socket.io started without an inline onload

    counter = csp_pages.open("/counter/")
    counter.fill("#username", "clerk1")
    counter.fill("#password", DEMO_PASSWORD)
    counter.click("#login-button")
    counter.click('.win-tile[data-window="w16"]')
    counter.wait_for_selector('body[data-window="open"][data-state="live"]')
    counter.click('[data-action="call-next"]')
    phone.wait_for_selector('body[data-status="called"]')
    display.wait_for_selector(f'#hero[data-number="{number}"]')
    phone.screenshot(path=shots / "csp-phone-called.png")

    manager = csp_pages.open("/manager/", 1600, 1000)
    manager.fill("input[name=username]", "manager")
    manager.fill("input[name=password]", DEMO_PASSWORD)
    manager.click("#login-form button[type=submit]")
    manager.wait_for_selector("#floor .win")
    manager.click("#tabs button[data-tab=reports]")
    manager.wait_for_selector("#c-volume canvas")
    manager.hover("#c-volume canvas")  # a chart tooltip (inline style attributes) may show
    manager.screenshot(path=shots / "csp-manager-reports.png")

    book = csp_pages.open("/book/", 390, 844, is_mobile=True, has_touch=True)
    book.wait_for_function("() => document.querySelectorAll('#matters button').length > 0")
    book.fill("#search", "hkqr")
    book.wait_for_function("() => document.querySelector('#matters button').textContent.includes('户口迁入')")

    assert csp_pages.violations() == []


def test_a_violation_would_be_seen(csp_pages, hub):
    """The watch is real: an inline script on a hub page is blocked and reported."""
    page = csp_pages.open("/display/", 1920, 1080)
    page.wait_for_selector('body[data-state="live"]')
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.__ran = true'; document.body.appendChild(s); }""")
    page.wait_for_function("() => window.__cspViolations.length > 0")
    assert page.evaluate("window.__ran === undefined")
    csp_pages.problems.clear()
    assert any("script-src" in v for v in csp_pages.violations())
