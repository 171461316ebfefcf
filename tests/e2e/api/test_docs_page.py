"""``/api/v1/docs`` shows the hub's own document offline, under a strict CSP (no inline
script, nothing fetched from another host)."""

from __future__ import annotations

import pytest

from tests.support.api import Api

STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'"


@pytest.mark.browser
def test_docs_page_lists_every_operation_under_a_strict_csp(chromium, hub, artifacts):
    document = Api(hub.url).get("/openapi.json").json()
    operations = sum(len(item) for item in document["paths"].values())
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    violations, foreign = [], []
    try:
        page = context.new_page()

        def strict(route):
            # the hub's own answer, with the strictest CSP a hall would set on top
            response = route.fetch()
            route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_CSP})

        page.route(f"{hub.url}/api/v1/docs", strict)
        page.on("console", lambda msg: violations.append(msg.text)
                if "Content Security Policy" in msg.text else None)
        page.on("request", lambda req: foreign.append(req.url) if not req.url.startswith(hub.url)
                and not req.url.startswith("data:") else None)
        page.goto(f"{hub.url}/api/v1/docs")
        page.wait_for_selector(".opblock-summary", timeout=20_000)
        assert page.locator(".opblock").count() == operations
        assert "Yimen hub API" in page.inner_text(".info")
        page.screenshot(path=str(artifacts / "api-docs-top.png"))
        page.locator(".opblock-summary", has_text="/tickets/{token}/history").first.click()
        page.wait_for_selector(".opblock.is-open .responses-table")
        page.screenshot(path=str(artifacts / "api-docs.png"))
        assert not violations, violations
        assert not foreign, foreign
    finally:
        context.close()
