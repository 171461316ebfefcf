"""The manager page in headless Chromium against a hub fed by the simulator, with screenshots
under test-artifacts/manager/."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.waiting import wait_for_still

pytestmark = [pytest.mark.browser]


@pytest.fixture
def page(chromium, sim_hub, artifacts):
    context = chromium.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(sim_hub.url + "/manager/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", "yimen-demo")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#floor .win")
    (artifacts / "manager").mkdir(exist_ok=True)
    yield page
    context.close()
    assert errors == []


def test_login_is_refused_to_a_clerk(chromium, sim_hub):
    context = chromium.new_context()
    page = context.new_page()
    page.goto(sim_hub.url + "/manager/")
    page.fill("input[name=username]", "clerk1")
    page.fill("input[name=password]", "yimen-demo")
    page.click("#login-form button[type=submit]")
    page.wait_for_function("() => document.querySelector('#login-error').textContent.length > 0")
    assert page.is_hidden("#app")
    context.close()


def test_dashboard_is_live(page, artifacts):
    assert page.locator("#floor .win").count() == 72
    page.wait_for_selector("#live.on")
    page.wait_for_selector("#floor .win.serving", timeout=30_000)
    first = int(page.locator("#kpis .kpi .value").first.inner_text())
    page.wait_for_function(
        f"() => Number(document.querySelector('#kpis .kpi .value').firstChild.textContent) > {first}",
        timeout=30_000)
    page.wait_for_selector("#alerts li:not(.empty)", timeout=60_000)
    assert page.locator("#queues tbody tr").count() == 36  # with the results pickup queue
    wait_for_still(page)
    page.screenshot(path=str(artifacts / "manager" / "dashboard.png"), full_page=True)


def test_reports_charts_and_table(page, artifacts, manager_api, today):
    page.click("#tabs button[data-tab=reports]")
    page.wait_for_selector("#c-volume canvas")
    page.wait_for_selector("#r-table tbody tr")
    page.select_option("#r-by", "unit")
    page.fill("#r-to", (today - timedelta(days=1)).isoformat())  # a closed range: the simulator adds to today
    page.click("#r-run")
    page.wait_for_function("() => document.querySelector('#r-table th').textContent === '部门'")
    rows = page.locator("#r-table tbody tr")
    total = rows.nth(rows.count() - 1).locator("td").nth(1).inner_text()
    start, end = page.input_value("#r-from"), page.input_value("#r-to")
    report = manager_api.get(f"/reports?from={start}&to={end}&by=unit").json()
    assert int(total) == report["total"]["issued"]
    page.wait_for_selector("#c-heat canvas")
    wait_for_still(page)
    page.screenshot(path=str(artifacts / "manager" / "reports.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#x-report-xlsx")
    assert download.value.suggested_filename == "report.xlsx"


def test_accuracy_and_planning_tabs(page, artifacts):
    page.click("#tabs button[data-tab=accuracy]")
    page.wait_for_selector("#a-table tbody tr")
    wait_for_still(page)
    page.screenshot(path=str(artifacts / "manager" / "accuracy.png"), full_page=True)
    page.click("#tabs button[data-tab=planning]")
    page.wait_for_selector("#p-windows tbody tr")
    page.wait_for_selector("#p-units tbody tr")
    assert page.locator("#p-units .badge").count() >= 55
    page.screenshot(path=str(artifacts / "manager" / "planning.png"), full_page=True)
