"""Staff records (GET /reports/staff) against a known scripted day, SQLite and PostgreSQL,
as JSON through the services and as CSV and XLSX through the route."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from server.app import create_app
from server.config import TestingConfig
from server.queueing.actors import Actor
from server.services.accounts.users import set_user_password, staff_actor
from server.services.counter import windows
from server.services.feedback import ratings
from server.services.issuing import tickets
from server.services.reporting import staff
from server.services.supervision.watch import SupervisionWatch

KIOSK = Actor("device", "1", "kiosk", "kiosk")
MATTER = "pension-insurance-enrol"
DAY = date(2026, 3, 2)


def scripted_day(hub, clock):
    """09:00 clerk1 opens w01; three visitors: served 300 s, a no-show 5 s after the call
    (刷号), a 10-minute pause for a break, served 600 s; rated 5 and 2."""
    set_user_password(hub, "clerk1", "secret-pass", role="clerk", name="王芳")
    set_user_password(hub, "clerk2", "secret-pass", role="clerk", name="idle")
    with hub.reading() as repos:
        clerk = staff_actor(repos.users.by_username("clerk1"))
    windows.open_window(hub, "w01", clerk)
    made = [tickets.issue_ticket(hub, matter_id=MATTER, actor=KIOSK)[0] for _ in range(3)]
    windows.call_next(hub, "w01", clerk)
    windows.start_service(hub, "w01", clerk)
    clock.advance(300)
    windows.finish(hub, "w01", clerk, "completed")
    windows.call_next(hub, "w01", clerk)
    clock.advance(5)
    windows.no_show(hub, "w01", clerk)
    windows.pause_window(hub, "w01", clerk, "break")
    clock.advance(600)
    windows.resume_window(hub, "w01", clerk)
    windows.call_next(hub, "w01", clerk)
    windows.start_service(hub, "w01", clerk)
    clock.advance(600)
    windows.finish(hub, "w01", clerk, "accepted")
    windows.close_window(hub, "w01", clerk)
    ratings.rate_ticket(hub, made[0]["token"], level=5)
    ratings.rate_ticket(hub, made[2]["token"], level=2)
    SupervisionWatch(hub).evaluate()


def test_the_staff_report_of_a_scripted_day(service_hub, clock):
    scripted_day(service_hub, clock)
    report = staff.staff_report(service_hub, DAY, DAY)
    rows = {row["user"]: row for row in report["rows"]}
    assert set(rows) == {"clerk1", "clerk2"}
    row = rows["clerk1"]
    assert {k: row[k] for k in ("name", "days_worked", "calls", "served", "no_show", "avg_service_s",
                                "paused_s", "rectifications", "findings")} == {
        "name": "王芳", "days_worked": 1, "calls": 3, "served": 2, "no_show": 1, "avg_service_s": 450.0,
        "paused_s": 600, "rectifications": 1, "findings": 1}
    assert row["ratings"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}
    assert row["paused_by_reason"] == {"break": 600} and row["findings_by_kind"] == {"quick_no_show": 1}
    assert rows["clerk2"]["calls"] == 0 and rows["clerk2"]["avg_service_s"] is None
    # another day has none of it
    other = {r["user"]: r for r in staff.staff_report(service_hub, date(2026, 3, 3), date(2026, 3, 3))["rows"]}
    assert other["clerk1"]["served"] == 0 and other["clerk1"]["days_worked"] == 0


def test_csv_and_xlsx_through_the_route(tmp_path, clock):
    app = create_app(TestingConfig(VAR_DIR=tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'y.sqlite3'}"),
                     clock=clock)
    hub = app.extensions["yimen"]
    try:
        scripted_day(hub, clock)
        set_user_password(hub, "jian", "secret-pass", role="supervisor", name="监察")
        client = app.test_client()
        token = client.post("/api/v1/auth/login", json={"username": "jian", "password": "secret-pass"}).json["token"]
        auth = {"Authorization": f"Bearer {token}"}
        url = "/api/v1/reports/staff?from=2026-03-02&to=2026-03-02"
        answer = client.get(url, headers=auth)
        assert answer.status_code == 200
        assert next(r for r in answer.json["rows"] if r["user"] == "clerk1")["served"] == 2
        csv_text = client.get(url + "&format=csv", headers=auth).data.decode("utf-8-sig")
        lines = csv_text.splitlines()
        assert lines[0].startswith("账号,姓名,所属部门,出勤天数,叫号数,办结数")
        assert lines[1].startswith("clerk1,王芳,,1,3,2,1,450.0,600,1,0,0,1,0,1,1")
        book = load_workbook(io.BytesIO(client.get(url + "&format=xlsx", headers=auth).data))
        sheet = book.active
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        assert values[1][:6] == ["账号", "姓名", "所属部门", "出勤天数", "叫号数", "办结数"]
        assert values[2][0] == "clerk1" and values[2][5] == 2
        assert client.get(url + "&format=pdf", headers=auth).status_code == 400
        assert client.get("/api/v1/reports/staff?from=2026-03-05&to=2026-03-01", headers=auth).json[
            "error"]["code"] == "invalid_range"
    finally:
        hub.stop()
        hub.db.dispose()
