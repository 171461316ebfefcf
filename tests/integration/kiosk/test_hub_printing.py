"""The hub printing a kiosk's tickets on a (fake) network printer, and what it does
when the printer is out of paper, silent or unreachable."""

from __future__ import annotations

import socket

from pyzbar.pyzbar import decode

from hardware.escpos_encode import RASTER_HEADER, parse_raster
from server.queueing.actors import Actor
from server.services.issuing.printing import PrintService
from server.services.issuing.tickets import issue_ticket

KIOSK_URL = "http://192.168.1.10:5000/"


def take(hub, kiosk_id: int) -> dict:
    actor = Actor("device", str(kiosk_id), "kiosk", "kiosk")
    ticket, created = issue_ticket(hub, matter_id="hukou-move-in", actor=actor,
                                   device_id=str(kiosk_id))
    assert created
    return ticket


def printed_urls(data: bytes) -> list[str]:
    return [s.data.decode() for s in decode(parse_raster(data).convert("L"))]


def device_status(hub, kiosk_id: int) -> dict:
    with hub.reading() as repos:
        return repos.devices.by_id(kiosk_id).status


def test_prints_a_ticket_whose_qr_is_the_status_url(print_hub, kiosk_id, make_printing, fake_printer):
    printer = fake_printer()
    printing: PrintService = make_printing(device_printers=((str(kiosk_id), printer.spec),))
    ticket = take(print_hub, kiosk_id)

    job = printing.print_ticket(ticket, device_id=kiosk_id, base_url=KIOSK_URL)

    assert job["via"] == "hub" and job["state"] == "queued"
    data = b"".join(printer.wait_for_connections(1))
    assert RASTER_HEADER in data
    assert printed_urls(data) == [f"http://192.168.1.10:5000/t/{ticket['token']}"]
    [result] = print_hub.publisher.sent("ticket_printed")
    assert result["ok"] is True and result["job_id"] == job["job_id"]
    assert result["number"] == ticket["number"] == "B001"
    status = device_status(print_hub, kiosk_id)["printer"]
    assert status["ok"] is True and status["problem"] is None and status["via"] == "hub"
    assert print_hub.publisher.alerts == []


def test_paper_out_prints_nothing_and_alerts_once_then_recovers(print_hub, kiosk_id, make_printing,
                                                                fake_printer):
    printer = fake_printer(paper_out=True)
    printing = make_printing(hub_printer=printer.spec)
    first = take(print_hub, kiosk_id)
    printing.print_ticket(first, device_id=kiosk_id, base_url=KIOSK_URL)
    printing.print_ticket(take(print_hub, kiosk_id), device_id=kiosk_id, base_url=KIOSK_URL)

    connections = printer.wait_for_connections(2)
    assert all(RASTER_HEADER not in data for data in connections)  # asked, and did not print
    results = print_hub.publisher.sent("ticket_printed")
    assert [r["ok"] for r in results] == [False, False]
    assert results[0]["printer"]["problem"] == "paper_out"
    assert device_status(print_hub, kiosk_id)["printer"]["paper_out"] is True
    [alert] = print_hub.publisher.alerts  # the same trouble twice: one alert
    assert alert["code"] == "printer_paper_out" and alert["level"] == "error"
    assert alert["device_id"] == kiosk_id and "缺纸" in alert["message"]

    printer.state.paper_out = False
    again = printing.print_ticket(first, device_id=kiosk_id, base_url=KIOSK_URL)
    data = printer.wait_for_connections(3)[2]
    assert printed_urls(data) == [f"http://192.168.1.10:5000/t/{first['token']}"]
    assert print_hub.publisher.sent("ticket_printed")[-1]["job_id"] == again["job_id"]
    assert print_hub.publisher.alerts[-1]["code"] == "printer_paper_out_resolved"
    assert device_status(print_hub, kiosk_id)["printer"]["ok"] is True


def test_a_printer_that_never_answers_is_not_taken_for_healthy(print_hub, kiosk_id, make_printing,
                                                              fake_printer):
    printer = fake_printer(mute=True)
    printing = make_printing(hub_printer=printer.spec + "?timeout=2")
    printing.print_ticket(take(print_hub, kiosk_id), device_id=kiosk_id, base_url=KIOSK_URL)

    assert RASTER_HEADER in printer.wait_for_connections(1, timeout=10)[0]
    [result] = print_hub.publisher.sent("ticket_printed")
    assert result["ok"] is True  # the bytes went out
    status = device_status(print_hub, kiosk_id)["printer"]
    assert status["known"] is False and status["ok"] is False and status["problem"] == "no_status"
    assert [a["level"] for a in print_hub.publisher.alerts] == ["warning"]


def test_an_unreachable_printer_is_offline(print_hub, kiosk_id, make_printing):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        printing = make_printing(hub_printer=f"network:127.0.0.1:{port}?timeout=1")
        printing.print_ticket(take(print_hub, kiosk_id), device_id=kiosk_id, base_url=KIOSK_URL)
    [result] = print_hub.publisher.sent("ticket_printed")
    assert result["ok"] is False and result["printer"]["problem"] == "offline"
    assert print_hub.publisher.alerts[0]["code"] == "printer_offline"


def test_an_agent_gets_the_job_instead_of_the_hub_printer(print_hub, kiosk_id, make_printing,
                                                         fake_printer):
    printer = fake_printer()
    printing = make_printing(hub_printer=printer.spec)
    printing.agent_connected(kiosk_id, {"printer": "USB printer 0416:5011"})
    ticket = take(print_hub, kiosk_id)

    job = printing.print_ticket(ticket, device_id=kiosk_id, base_url=KIOSK_URL)

    assert job["via"] == "agent"
    [sent] = print_hub.publisher.sent("print_job")
    assert sent["job_id"] == job["job_id"] and sent["token"] == ticket["token"]
    assert sent["content"]["status_url"] == f"http://192.168.1.10:5000/t/{ticket['token']}"
    assert printer.connections == []
    printing.agent_disconnected(kiosk_id)
    assert printing.route(kiosk_id) == "hub"


def test_no_printer_configured(print_hub, kiosk_id, make_printing):
    printing = make_printing(hub_printer="none")
    job = printing.print_ticket(take(print_hub, kiosk_id), device_id=kiosk_id, base_url=KIOSK_URL)
    assert job["via"] == "none" and job["state"] == "no_printer"
    assert printing.printer_snapshot(kiosk_id)["route"] == "none"
