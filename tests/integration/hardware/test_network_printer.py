"""The network backend against a fake ESC/POS printer on 127.0.0.1."""

from __future__ import annotations

import time

import pytest

from hardware.errors import PaperOutError, PrinterOfflineError
from hardware.escpos_encode import encode_ticket, parse_raster
from hardware.layout import PrinterProfile
from hardware.printers import printer_from_spec
from hardware.printers.network import NetworkPrinter
from tests.support.waiting import wait_until
from tests.unit.hardware.sample import STATUS_URL


@pytest.mark.parametrize("options", ["", "?width=58mm", "?mode=text", "?width=58mm&mode=text"])
def test_printing_delivers_the_exact_bytes(fake_printer, make_ticket, options):
    fake = fake_printer()
    printer = printer_from_spec(fake.spec + options)
    ticket = make_ticket()

    with printer:
        printer.print_ticket(ticket)

    [received] = fake.wait_for_connections(1)
    assert received == encode_ticket(ticket, printer.profile)
    assert len(received) > 400


def test_two_tickets_on_one_connection_arrive_in_order(fake_printer, make_ticket):
    fake = fake_printer()
    profile = PrinterProfile(width_dots=384)
    first, second = make_ticket(number="A001"), make_ticket(number="A002")

    with printer_from_spec(fake.spec, profile) as printer:
        printer.print_ticket(first)
        printer.print_ticket(second)

    [received] = fake.wait_for_connections(1)
    assert received == encode_ticket(first, profile) + encode_ticket(second, profile)


def test_received_raster_still_scans(fake_printer, make_ticket):
    from pyzbar.pyzbar import decode

    fake = fake_printer()
    with printer_from_spec(fake.spec) as printer:
        printer.print_ticket(make_ticket())

    [received] = fake.wait_for_connections(1)
    assert [s.data.decode() for s in decode(parse_raster(received).convert("L"))] == [STATUS_URL]


def test_status_of_a_healthy_printer(fake_printer):
    fake = fake_printer()

    status = printer_from_spec(fake.spec).status()

    assert status.known and status.ok
    assert (status.online, status.paper_out, status.cover_open) == (True, False, False)
    assert fake.wait_for_connections(1) == [b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"]


def test_status_detects_paper_out(fake_printer):
    fake = fake_printer(paper_out=True)

    status = printer_from_spec(fake.spec).status()

    assert status.known and not status.ok
    assert status.paper_out is True and status.online is False
    assert "paper out" in (status.error or "")


def test_status_detects_cover_open_and_near_end(fake_printer):
    cover = printer_from_spec(fake_printer(cover_open=True).spec).status()
    near_end = printer_from_spec(fake_printer(paper_near_end=True).spec).status()

    assert cover.cover_open is True and not cover.ok
    assert near_end.paper_near_end is True and near_end.ok


def test_status_on_an_open_connection_after_printing(fake_printer, make_ticket):
    fake = fake_printer(paper_near_end=True)

    with printer_from_spec(fake.spec) as printer:
        printer.print_ticket(make_ticket())
        status = printer.status()

    assert status.ok and status.paper_near_end
    [received] = fake.wait_for_connections(1)
    assert received.endswith(b"\x10\x04\x01\x10\x04\x02\x10\x04\x04")


def test_mute_printer_is_unknown_not_ok_and_does_not_hang(fake_printer):
    fake = fake_printer(mute=True)
    printer = NetworkPrinter(fake.host, fake.port, read_timeout=0.5)

    started = time.monotonic()
    status = printer.status()
    elapsed = time.monotonic() - started

    assert status.known is False and status.online is False and not status.ok
    assert status.error == "no reply"
    assert 0.4 <= elapsed < 3.0


def test_nothing_listening_raises_offline_on_print(closed_port, make_ticket):
    printer = printer_from_spec(f"network:127.0.0.1:{closed_port}?timeout=2")

    started = time.monotonic()
    with pytest.raises(PrinterOfflineError, match=f"127.0.0.1:{closed_port}"):
        with printer:
            printer.print_ticket(make_ticket())

    assert time.monotonic() - started < 3.0
    assert not printer.is_open


def test_nothing_listening_gives_an_unknown_status(closed_port):
    status = printer_from_spec(f"network:127.0.0.1:{closed_port}").status()

    assert not status.known and not status.ok and status.online is False
    assert "cannot connect" in (status.error or "")


def test_printer_hanging_up_mid_job_raises_offline(fake_printer, make_ticket):
    fake = fake_printer(hang_up=True)
    printer = printer_from_spec(fake.spec)
    printer.open()
    fake.wait_for_connections(1)

    with pytest.raises(PrinterOfflineError, match="sending to"):
        # The first sends may still fit in the kernel buffer: send until the hang-up shows.
        wait_until(lambda: printer.print_ticket(make_ticket()), timeout=5, what="a send to fail")

    assert not printer.is_open


def test_printer_that_stops_reading_hits_the_write_timeout(fake_printer):
    fake = fake_printer(stalled=True)
    printer = NetworkPrinter(fake.host, fake.port, write_timeout=0.5)

    started = time.monotonic()
    with pytest.raises(PrinterOfflineError, match="timed out"):
        with printer:
            printer._write(b"\x00" * 64 * 1024 * 1024)

    assert time.monotonic() - started < 10.0


def test_check_ready_raises_for_paper_out_and_cover_open(fake_printer):
    paper_out = printer_from_spec(fake_printer(paper_out=True).spec)
    cover_open = printer_from_spec(fake_printer(cover_open=True).spec)
    healthy = printer_from_spec(fake_printer().spec)

    with pytest.raises(PaperOutError, match="paper out"):
        paper_out.check_ready()
    with pytest.raises(PrinterOfflineError, match="cover open"):
        cover_open.check_ready()
    assert healthy.check_ready().ok


def test_check_ready_passes_an_unknown_status_back(fake_printer):
    fake = fake_printer(mute=True)

    status = NetworkPrinter(fake.host, fake.port, read_timeout=0.2).check_ready()

    assert not status.known and not status.ok
