"""Starting the hub: flags, environment, and a clear one-line refusal when something is wrong."""

from __future__ import annotations

import os
import subprocess
import sys

import yaml

from server.center_file import DEMO_CENTER_PATH
from tests.support.api import Api
from tests.support.hubproc import ROOT, HubProcess


def run_hub(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("YIMEN_")}
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], cwd=ROOT, env={**clean, **(env or {})},
                          capture_output=True, text=True, timeout=timeout)


def test_bad_center_file_exits_non_zero_with_one_line(tmp_path):
    document = yaml.safe_load(DEMO_CENTER_PATH.read_text(encoding="utf-8"))
    document["windows"][3]["queues"] = ["polic"]
    bad = tmp_path / "hall.yaml"
    bad.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    result = run_hub("--center", str(bad), "--var", str(tmp_path / "var"), "--port", "0")
    assert result.returncode == 2
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert "hall.yaml" in message and "windows[3].queues[0]" in message and "polic" in message


def test_missing_center_file(tmp_path):
    result = run_hub("--center", str(tmp_path / "nowhere.yaml"), "--var", str(tmp_path / "var"))
    assert result.returncode == 2 and "nowhere.yaml" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unreachable_database(tmp_path):
    result = run_hub("--db", "postgresql+psycopg://nobody@127.0.0.1:1/yimen", "--var", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip().startswith("yimen: cannot reach database")
    assert len(result.stderr.strip().splitlines()) == 1


def test_center_that_removes_a_window_is_refused_and_data_kept(tmp_path):
    hub = HubProcess(tmp_path / "var").start()
    ticket = Api.kiosk(hub.url).issue()
    hub.stop()
    document = yaml.safe_load(DEMO_CENTER_PATH.read_text(encoding="utf-8"))
    dropped_units = {u for q in document["queues"] if q["id"] == "comprehensive-4" for u in q.get("units", [])}
    document["windows"] = [w for w in document["windows"] if w["id"] != "w72"]
    document["queues"] = [q for q in document["queues"] if q["id"] != "comprehensive-4"]
    document["matters"] = [m for m in document["matters"] if m["unit"] not in dropped_units]
    smaller = tmp_path / "smaller.yaml"
    smaller.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    result = run_hub("--center", str(smaller), "--var", str(tmp_path / "var"))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "remov" in result.stderr
    hub.start()  # the stored center and the ticket are still there
    assert len(Api(hub.url).get("/center").json()["windows"]) == 72
    assert Api(hub.url).get(f"/tickets/{ticket['token']}").json()["number"] == "B001"
    hub.stop()


def test_admin_password_from_environment_and_demo_credentials(tmp_path):
    hub = HubProcess(tmp_path / "var", demo=False, env={"YIMEN_ADMIN_PASSWORD": "first-secret"}).start()
    assert Api(hub.url).login("admin", "first-secret").get("/users").status_code == 200
    hub.stop()
    hub.env = {"YIMEN_ADMIN_PASSWORD": "second-secret"}
    hub.start()
    assert Api(hub.url).post("/auth/login", {"username": "admin", "password": "first-secret"}).status_code == 401
    assert Api(hub.url).login("admin", "second-secret")
    hub.stop()


def test_flags_also_read_from_environment(tmp_path):
    hub = HubProcess(tmp_path / "var", env={"YIMEN_DEMO": "1"}, demo=False)
    hub.start()
    assert "listening on http://127.0.0.1:" in hub.output()
    assert Api.clerk(hub.url).token  # demo users exist because YIMEN_DEMO=1
    hub.stop()


def test_bad_printer_spec_exits_with_one_line(tmp_path):
    result = run_hub("--var", str(tmp_path / "var"), env={"YIMEN_PRINTER": "parallel:/dev/lp0"})
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "parallel" in result.stderr


def test_sigterm_stops_the_hub_cleanly(tmp_path):
    import signal
    import time

    hub = HubProcess(tmp_path / "var").start()
    ticket = Api.kiosk(hub.url).issue()
    started = time.monotonic()
    hub.proc.send_signal(signal.SIGTERM)
    assert hub.proc.wait(15) == 0  # a clean exit, as systemd expects
    assert time.monotonic() - started < 10
    hub.proc = None
    hub.start()
    assert Api(hub.url).get(f"/tickets/{ticket['token']}").json()["status"] == "waiting"
    hub.stop()
