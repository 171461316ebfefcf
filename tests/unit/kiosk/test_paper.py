"""What the hub prints for a ticket: built from the center, read back from the ESC/POS bytes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pyzbar.pyzbar import decode

from hardware.escpos_encode import encode_ticket, parse_raster
from hardware.print_job import content_from_job, content_to_job
from hardware.printer_health import problem_of, status_json
from hardware.printers import PrinterStatus
from hardware.ticket import PAPER_WIDTHS, PrinterProfile
from server.center_file import load_demo_center
from server.services.hub import HubSettings
from server.services.issuing.printing import parse_device_printers
from server.services.issuing.ticket_paper import (
    priority_label,
    public_status_url,
    ticket_content,
    window_label,
)

TOKEN = "AbCdEfGhIjKlMnOpQrStUvWx"


@pytest.fixture(scope="module")
def hub():
    """Just what building a ticket's paper needs: the center and the settings."""
    return SimpleNamespace(center=load_demo_center(), settings=HubSettings())


def ticket(**changes) -> dict:
    data = {"number": "B007", "token": TOKEN, "status_url": f"/t/{TOKEN}",
            "matter_id": "hukou-move-in", "queue_id": "police", "ahead": 6,
            "estimated_wait_s": 610, "issued_at": "2026-03-02T09:15:00+08:00",
            "priority": 0, "priority_reason": None}
    return {**data, **changes}


@pytest.mark.parametrize(("numbers", "label"), [
    ([16, 17, 18, 19, 20, 21, 22, 23], "16-23号窗口"),
    ([1], "1号窗口"),
    ([3, 4], "3、4号窗口"),
    ([9, 1, 2, 3, 7], "1-3、7、9号窗口"),
    ([], ""),
])
def test_window_label_is_short(numbers, label):
    assert window_label(numbers) == label


def test_content_of_a_demo_ticket(hub):
    content = ticket_content(hub, ticket(), status_url="http://hall/t/x")
    assert content.center_name == "海北州政务服务中心"
    assert content.matter_name == "户口迁入" and content.unit_name == "海北州公安局"
    assert content.windows == ("16-23号窗口",)
    assert content.materials[:2] == ("居民身份证", "户口簿")
    assert content.ahead == 6 and content.estimated_wait_s == 610
    assert content.priority_label is None


def test_priority_ticket_says_why():
    assert priority_label(ticket(priority=1, priority_reason="elderly")) == "优先 · 老年人"
    assert priority_label(ticket(priority=1)) == "优先"
    assert priority_label(ticket()) is None


def test_status_url_prefers_the_public_url(hub):
    assert public_status_url(hub, ticket(), "http://10.0.0.5:5000/") == f"http://10.0.0.5:5000/t/{TOKEN}"
    public = SimpleNamespace(center=hub.center, settings=HubSettings(public_url="https://q.example.cn/"))
    assert public_status_url(public, ticket(), "http://10.0.0.5:5000/") == f"https://q.example.cn/t/{TOKEN}"


def test_a_print_job_round_trips(hub):
    content = ticket_content(hub, ticket(priority=1, priority_reason="military"),
                             status_url="http://hall/t/x", header="欢迎", footer="谢谢")
    assert content_from_job(content_to_job(content)) == content


@pytest.mark.parametrize("width", sorted(PAPER_WIDTHS))
def test_printed_qr_decodes_to_the_status_url(hub, width):
    url = public_status_url(hub, ticket(), "http://192.168.1.10:5000/")
    content = ticket_content(hub, ticket(), status_url=url)
    data = encode_ticket(content, PrinterProfile(width_dots=PAPER_WIDTHS[width]))
    image = parse_raster(data)
    assert image.width == PAPER_WIDTHS[width]
    found = [symbol.data.decode() for symbol in decode(image.convert("L"))]
    assert found == [url]


@pytest.mark.parametrize(("status", "printed", "problem"), [
    (PrinterStatus(known=True, online=True, paper_out=False, cover_open=False), True, None),
    (PrinterStatus(known=True, online=True, paper_out=True), None, "paper_out"),
    (PrinterStatus(known=True, online=True, paper_out=True), False, "paper_out"),
    (PrinterStatus(known=True, online=True, cover_open=True), False, "cover_open"),
    (PrinterStatus(known=True, online=True, paper_near_end=True), True, "paper_near_end"),
    (PrinterStatus(known=False, online=False, error="no reply"), True, "no_status"),
    (PrinterStatus(known=False, online=False, error="refused"), False, "offline"),
    (PrinterStatus(known=False, online=False, error="refused"), None, "offline"),
    (PrinterStatus(known=False, error="cannot report"), None, "no_status"),
])
def test_problem_of_a_status(status, printed, problem):
    assert problem_of(status, printed=printed) == problem


def test_a_silent_printer_is_never_ok():
    from datetime import UTC, datetime

    entry = status_json(PrinterStatus(known=False, error="no reply"), via="hub", printer="p",
                        at=datetime(2026, 3, 2, tzinfo=UTC), printed=True)
    assert entry["ok"] is False and entry["problem"] == "no_status"


def test_device_printers_from_config():
    assert parse_device_printers("1=network:10.0.0.7?width=58mm&mode=text; 一楼取号机 2 = preview:x") == (
        ("1", "network:10.0.0.7?width=58mm&mode=text"), ("一楼取号机 2", "preview:x"))
    assert parse_device_printers(None) == ()
