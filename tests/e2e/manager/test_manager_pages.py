"""The manager page in headless Chromium against a hub fed by the simulator, with screenshots
under test-artifacts/manager/."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.manager_page import log_in
from tests.support.waiting import wait_for_still

pytestmark = [pytest.mark.browser]


@pytest.fixture
def page(chromium, sim_hub, artifacts):
    context = chromium.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, sim_hub.url, "manager")
    page.wait_for_selector("#floor .win")
    (artifacts / "manager").mkdir(exist_ok=True)
    yield page
    context.close()
    assert errors == []


def test_login_is_refused_to_a_clerk(chromium, sim_hub):
    context = chromium.new_context()
    page = context.new_page()
    log_in(page, sim_hub.url, "clerk1")
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


# The axis labels of a chart as drawn (ECharts names them label_<tick>), in page pixels.
AXIS_LABEL_BOXES = """(id) => {
  const dom = document.getElementById(id);
  const zr = echarts.getInstanceByDom(dom).getZr();
  const box = dom.getBoundingClientRect();
  const rects = [];
  zr.storage.getRoots().forEach((root) => root.traverse((el) => {
    if (el.type !== "text" || !String(el.anid || "").startsWith("label_") || el.ignore || el.invisible) return;
    const r = el.getBoundingRect().clone();
    const m = el.getComputedTransform();
    if (m) r.applyTransform(m);
    rects.push({ text: el.style.text, x: box.x + r.x, y: box.y + r.y, w: r.width, h: r.height });
  }));
  return rects;
}"""


def _overlap(a, b) -> bool:
    return a["x"] < b["x"] + b["w"] - 0.5 and b["x"] < a["x"] + a["w"] - 0.5 and \
        a["y"] < b["y"] + b["h"] - 0.5 and b["y"] < a["y"] + a["h"] - 0.5


def test_department_labels_do_not_overlap_and_thin_data_says_so(chromium, sim_hub, artifacts, today):
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, sim_hub.url, "manager", tab="reports")
    page.wait_for_selector("#r-table tbody tr")
    page.select_option("#r-by", "unit")
    page.fill("#r-to", (today - timedelta(days=1)).isoformat())
    page.click("#r-run")
    page.wait_for_function("() => document.querySelector('#r-table th').textContent === '部门'")
    wait_for_still(page)
    (artifacts / "manager").mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / "manager" / "reports-by-unit-1440.png"), full_page=True)
    names = page.locator("#r-table tbody tr td:first-child").all_inner_texts()[:-1]  # without the total
    assert len(names) > 8
    for chart in ("c-volume", "c-wait"):
        boxes = page.evaluate(AXIS_LABEL_BOXES, chart)  # the departments' and the values'
        assert sorted(b["text"] for b in boxes if b["text"] in names) == sorted(names), chart
        clashes = [(a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1:] if _overlap(a, b)]
        assert clashes == [], chart
        card = page.locator(f"#{chart}").bounding_box()
        assert all(b["x"] >= card["x"] - 1 and b["x"] + b["w"] <= card["x"] + card["width"] + 1 for b in boxes)
    assert page.is_hidden("#heat-too-little")

    # A range with no arrivals: the heat map says there is too little data.
    long_ago = (today - timedelta(days=200)).isoformat()
    page.fill("#r-from", long_ago)
    page.fill("#r-to", long_ago)
    page.click("#r-run")
    page.wait_for_selector("#heat-too-little:not([hidden])")
    assert "数据太少" in page.inner_text("#heat-too-little")

    # One day of data: planning says too little and advises nothing.
    page.click("#tabs button[data-tab=planning]")
    page.wait_for_selector("#p-units tbody tr")
    assert page.is_hidden("#p-too-little")
    yesterday = (today - timedelta(days=1)).isoformat()
    page.fill("#p-from", yesterday)
    page.fill("#p-to", yesterday)
    page.click("#p-run")
    page.wait_for_selector("#p-too-little:not([hidden])")
    message = page.inner_text("#p-too-little")
    assert "数据太少，无法规划" in message and "至少需要 20 个办理日" in message
    assert page.is_hidden("#p-windows") and page.locator("#p-units .badge").count() == 0
    page.screenshot(path=str(artifacts / "manager" / "planning-too-little-1440.png"), full_page=True)
    context.close()
    assert errors == []
