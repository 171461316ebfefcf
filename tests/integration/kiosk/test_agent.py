"""The kiosk agent against a real hub process: print jobs over Socket.IO, printer
status reports, and the kiosk's REST additions."""

from __future__ import annotations

import time

import pytest
import requests
from pyzbar.pyzbar import decode

from hardware.escpos_encode import parse_raster
from hardware.printers import printer_from_spec
from kiosk.agent import KioskAgent
from tests.support.api import Api
from tests.support.hubproc import HubProcess
from tests.support.sio import Listener
from tests.support.waiting import wait_until


@pytest.fixture
def start_agent():
    agents: list[KioskAgent] = []

    def start(hub_url: str, key: str, spec: str) -> KioskAgent:
        agent = KioskAgent(hub_url, key, printer_from_spec(spec), status_every_s=0.5).start()
        agents.append(agent)
        return agent

    yield start
    for agent in agents:
        agent.stop()


def route_of(kiosk: Api) -> str:
    return kiosk.get("/kiosk/config").json()["printer"]["route"]


def test_the_agent_prints_the_kiosks_ticket(hub, kiosk, start_agent, tmp_path):
    start_agent(hub.url, "demo-kiosk-1", f"preview:{tmp_path / 'paper'}")
    wait_until(lambda: route_of(kiosk) == "agent", what="the agent to register")

    answer = kiosk.post("/kiosk/tickets", {"matter_id": "hukou-move-in", "idempotency_key": "k-1"})
    assert answer.status_code == 201, answer.text
    ticket = answer.json()
    assert ticket["print"]["via"] == "agent"
    assert ticket["public_status_url"] == f"{hub.url}/t/{ticket['token']}"

    [paper] = wait_until(lambda: list((tmp_path / "paper").glob("*.bin")), what="a printed ticket")
    assert paper.name.endswith(f"-{ticket['number']}.bin")
    urls = [s.data.decode() for s in decode(parse_raster(paper.read_bytes()).convert("L"))]
    assert urls == [f"{hub.url}/t/{ticket['token']}"]

    # A retry with the same key answers the same ticket and prints nothing more.
    again = kiosk.post("/kiosk/tickets", {"matter_id": "hukou-move-in", "idempotency_key": "k-1"})
    assert again.status_code == 200 and again.json()["number"] == ticket["number"]
    assert again.json()["print"]["state"] == "not_printed"
    # Print jobs reach the agent in order: once the next ticket's paper is out, a second
    # copy of the first would be too.
    later = kiosk.post("/kiosk/tickets", {"matter_id": "hukou-move-in", "idempotency_key": "k-2"}).json()
    paper_dir = tmp_path / "paper"
    wait_until(lambda: list(paper_dir.glob(f"*-{later['number']}.bin")), what="the next ticket's paper")
    numbers = sorted(p.stem.rsplit("-", 1)[1] for p in paper_dir.glob("*.bin"))
    assert numbers == sorted([ticket["number"], later["number"]])


def test_paper_out_reaches_the_managers(hub, kiosk, start_agent, fake_printer):
    """Managers see the kiosk's printer out of paper: an ``alert`` on /manager and the
    state on the device list."""
    printer = fake_printer(paper_out=True)
    manager = Api.clerk(hub.url, "manager")
    alerts = Listener(hub.url, "/manager", {"token": manager.token}, ("alert",)).connect()
    start_agent(hub.url, "demo-kiosk-2", printer.spec)

    def kiosk_two():
        devices = manager.get("/devices").json()
        return next(d for d in devices if d["name"] == "一楼取号机 2")

    status = wait_until(lambda: (kiosk_two()["status"] or {}).get("printer"), what="a status report")
    assert status["problem"] == "paper_out" and status["ok"] is False and status["via"] == "agent"
    alert = alerts.wait_for("alert", lambda a: a.get("code") == "printer_paper_out", timeout=10)
    assert alert["device_name"] == "一楼取号机 2" and alert["level"] == "error"
    alerts.disconnect()

    two = Api.kiosk(hub.url, "demo-kiosk-2")
    ticket = two.post("/kiosk/tickets", {"matter_id": "hukou-move-in"}).json()
    assert ticket["number"] == "B001"  # the ticket is issued all the same
    assert two.get("/kiosk/config").json()["printer"]["problem"] == "paper_out"


def test_issuing_never_waits_for_a_stalled_printer(tmp_path, fake_printer):
    printer = fake_printer(stalled=True)
    hub = HubProcess(tmp_path / "var", env={"YIMEN_PRINTER": printer.spec + "?timeout=5"}).start()
    try:
        kiosk = Api.kiosk(hub.url)
        started = time.perf_counter()
        answers = [kiosk.post("/kiosk/tickets", {"matter_id": "hukou-move-in"}) for _ in range(3)]
        elapsed = time.perf_counter() - started
        assert [a.status_code for a in answers] == [201, 201, 201]
        assert [a.json()["print"]["via"] for a in answers] == ["hub"] * 3
        assert elapsed < 1.5, f"issuing took {elapsed:.2f}s behind a stalled printer"
        assert requests.get(hub.url + "/healthz", timeout=2).ok
    finally:
        hub.stop()


def test_qr_svg_and_reprint(hub, kiosk):
    ticket = kiosk.post("/kiosk/tickets", {"matter_id": "hukou-move-in"}).json()
    svg = requests.get(hub.url + ticket["qr_url"], timeout=5)
    assert svg.status_code == 200 and svg.headers["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in svg.content
    assert requests.get(hub.url + "/api/v1/tickets/nope-nope-nope-nope/qr.svg", timeout=5).status_code == 404
    again = kiosk.post(f"/tickets/{ticket['token']}/print", {})
    assert again.status_code == 202 and again.json()["print"]["via"] == "hub"
    assert Api(hub.url).post(f"/tickets/{ticket['token']}/print", {}).status_code == 401


def test_matter_index_over_rest(hub):
    index = requests.get(hub.url + "/api/v1/kiosk/matters", timeout=5).json()
    assert next(m for m in index if m["initials"] == "hkqr")["id"] == "hukou-move-in"


def test_the_hub_process_prints_on_a_network_printer(tmp_path, fake_printer):
    """The real hub (gevent) drives a network printer from its threadpool."""
    printer = fake_printer()
    hub = HubProcess(tmp_path / "var", env={"YIMEN_PRINTER": printer.spec,
                                            "YIMEN_PUBLIC_URL": "http://hall.example:8080"}).start()
    try:
        ticket = Api.kiosk(hub.url).post("/kiosk/tickets", {"matter_id": "hukou-move-in"}).json()
        data = b"".join(printer.wait_for_connections(1, timeout=10))
        urls = [s.data.decode() for s in decode(parse_raster(data).convert("L"))]
        assert urls == [f"http://hall.example:8080/t/{ticket['token']}"]
        assert ticket["public_status_url"] == urls[0]
    finally:
        hub.stop()
