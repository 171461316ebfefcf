"""The managers' REST calls and /manager namespace against a hub fed by the simulator."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
import pytest

from tests.support.api import Api
from tests.support.sio import Listener
from tests.support.waiting import wait_until

CONTRACT_KEYS = {"date", "issued", "served", "no_show", "avg_wait_s", "p90_wait_s", "avg_service_s",
                 "by_queue", "by_window"}


def _wait_for_traffic(api: Api, tickets: int = 20, timeout: float = 60.0) -> dict:
    def busy_enough():
        figures = api.get("/stats").json()
        return figures if figures["issued"] >= tickets and figures["served"] > 0 else None

    return wait_until(busy_enough, timeout=timeout, interval=0.5,
                      what=f"the simulator to issue {tickets} tickets and serve one")


def test_stats_keeps_the_contract_and_agrees_with_reports(manager_api, today):
    _wait_for_traffic(manager_api)
    past = today - timedelta(days=7)
    while past.weekday() >= 5:
        past -= timedelta(days=1)
    stats = manager_api.get(f"/stats?date={past}").json()
    assert CONTRACT_KEYS <= set(stats)
    assert stats["issued"] > 500
    report = manager_api.get(f"/reports?from={past}&to={past}&by=queue").json()
    for key in ("issued", "served", "no_show", "avg_wait_s", "p90_wait_s", "avg_service_s"):
        assert report["total"][key] == stats[key], key
    assert {r["key"]: r["issued"] for r in report["rows"]} == \
        {q["queue_id"]: q["issued"] for q in stats["by_queue"]}
    windows = manager_api.get(f"/reports?from={past}&to={past}&by=window").json()
    assert {r["key"]: r["served"] for r in windows["rows"]} == \
        {w["window_id"]: w["served"] for w in stats["by_window"]}


def test_roles_are_checked(sim_hub):
    clerk = Api(sim_hub.url).login("clerk2")
    assert clerk.get("/reports").status_code == 403
    assert Api(sim_hub.url).get("/reports").status_code == 401
    manager = Api(sim_hub.url).login("manager")
    bad = manager.get("/reports?by=colour")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_field"
    assert manager.get("/reports?from=2026-02-30").json()["error"]["code"] == "invalid_date"


def test_excel_export_has_chinese_headers_and_the_report_figures(manager_api, today):
    span = f"from={today - timedelta(days=30)}&to={today - timedelta(days=2)}"
    report = manager_api.get(f"/reports?{span}&by=queue").json()
    response = manager_api.get(f"/reports/export?{span}&by=queue&format=xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "按队列统计"
    headers = [c.value for c in sheet[2]]
    assert headers[:4] == ["队列", "取号数", "叫号数", "办结数"]
    assert "90%等候(秒)" in headers and "即办率" in headers
    first = report["rows"][0]
    assert [c.value for c in sheet[3]][:4] == [first["label"], first["issued"], first["called"], first["served"]]
    total = [c.value for c in sheet[sheet.max_row]]
    assert total[0] == "合计" and total[1] == report["total"]["issued"]
    assert total[headers.index("平均等候(秒)")] == report["total"]["avg_wait_s"]

    log = manager_api.get(f"/reports/export?from={today - timedelta(days=3)}&to={today - timedelta(days=2)}"
                          "&kind=tickets&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(log.content)).active
    assert [c.value for c in sheet[2]][:5] == ["服务日", "号码", "事项", "部门", "队列"]
    issued = manager_api.get(f"/reports?from={today - timedelta(days=3)}&to={today - timedelta(days=2)}").json()
    assert sheet.max_row - 2 == issued["total"]["issued"]
    if sheet.max_row > 2:
        assert sheet.cell(row=3, column=9).value in {"已办结", "过号"}


def test_csv_export_opens_in_excel(manager_api, today):
    response = manager_api.get(f"/reports/export?from={today - timedelta(days=14)}&to={today}&by=hour&format=csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["时段", "取号数"] and rows[-1][0] == "合计"


def test_accuracy_and_planning(manager_api, today):
    span = f"from={today - timedelta(days=30)}&to={today - timedelta(days=1)}"
    accuracy = manager_api.get(f"/reports/accuracy?{span}").json()
    assert accuracy["total"]["tickets"] > 1000
    assert 0 <= accuracy["total"]["within_5min_share"] <= 1
    plan = manager_api.get(f"/planning/windows?{span}&target_share=0.8&target_s=900").json()
    police = next(q for q in plan["queues"] if q["queue_id"] == "police")
    assert police["peak_needed"] >= 1 and {h["hour"] for h in police["hours"]} >= {9, 10}
    for hour in police["hours"]:
        if hour["needed"]:
            assert hour["service_level"] >= 0.8
    units = manager_api.session.post(
        f"{manager_api.base_url}/api/v1/planning/units?{span}", timeout=10,
        data="名称,年办件量\n海北州档案馆,85\n海北州医保局,2400\n".encode(),
        headers={"Content-Type": "text/csv", "Authorization": f"Bearer {manager_api.token}"})
    body = units.json()
    imported = {u["name"]: u for u in body["units"] if u["source"] == "imported"}
    assert imported["海北州档案馆"]["recommended"] == "comprehensive"
    assert imported["海北州医保局"]["recommended"] == "standalone"
    assert imported["海北州医保局"]["change"] == "move_in"


@pytest.mark.timeout(120)
def test_manager_namespace_sends_dashboard_and_alerts(sim_hub, manager_api):
    clerk = Api(sim_hub.url).login("clerk3")
    refused = Listener(sim_hub.url, "/manager", {"token": clerk.token}, ("dashboard",))
    with pytest.raises(Exception):  # noqa: B017 - a connection error of the client library
        refused.connect(timeout=5)
    refused.disconnect()
    live = Listener(sim_hub.url, "/manager", {"token": manager_api.token}, ("dashboard", "alert")).connect()
    try:
        first = live.wait_for("dashboard", timeout=10)
        assert len(first["windows"]) == 72 and len(first["queues"]) == 36  # with pickup
        assert {"issued", "served", "avg_wait_s", "p90_wait_s", "on_spot_share"} <= set(first["today"])
        live.wait_count("dashboard", 3, timeout=20)  # refreshed every second here
        alert = live.wait_for("alert", timeout=90)
        assert {"id", "kind", "severity", "message", "at", "active"} <= set(alert)
    finally:
        live.disconnect()
