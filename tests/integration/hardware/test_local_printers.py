"""Serial (through a pseudo-terminal) and USB backends, as far as this machine allows."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from hardware.errors import PrinterConfigError
from hardware.escpos_encode import encode_ticket
from hardware.printers import printer_from_spec

STATUS_QUERY = b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"
PAPER_END_REPLY = b"\x12\x12\x72"  # online, no cause, paper end


def _serial_printer_side(fd: int, into: bytearray, stop: threading.Event) -> None:
    """The printer end of the line: records bytes, answers the status queries."""
    import select

    while not stop.is_set():
        ready, _, _ = select.select([fd], [], [], 0.05)
        if not ready:
            continue
        try:
            into += os.read(fd, 65536)
        except OSError:
            return
        if into.endswith(STATUS_QUERY):
            os.write(fd, PAPER_END_REPLY)


def test_serial_printer_writes_exact_bytes_and_reads_status(make_ticket):
    pytest.importorskip("serial", reason="pyserial is not installed")
    import tty

    controller, device = os.openpty()
    tty.setraw(controller)
    tty.setraw(device)
    received = bytearray()
    stop = threading.Event()
    reader = threading.Thread(
        target=_serial_printer_side, args=(controller, received, stop), daemon=True
    )
    reader.start()
    printer = printer_from_spec(f"serial:{os.ttyname(device)}:115200?width=58mm")
    ticket = make_ticket()
    try:
        with printer:
            printer.print_ticket(ticket)
            status = printer.status()
    finally:
        stop.set()
        reader.join()
        os.close(controller)
        os.close(device)

    assert bytes(received) == encode_ticket(ticket, printer.profile) + STATUS_QUERY
    assert status.known and status.paper_out and not status.ok


def test_serial_without_pyserial_names_the_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "serial", None)  # import serial -> ImportError

    with pytest.raises(PrinterConfigError, match="pip install pyserial"):
        printer_from_spec("serial:/dev/ttyUSB0").open()


def test_usb_without_pyusb_names_the_package(monkeypatch):
    import escpos.printer.usb

    monkeypatch.setattr(escpos.printer.usb, "is_usable", lambda: False)

    with pytest.raises(PrinterConfigError, match="pip install pyusb"):
        printer_from_spec("usb:0x0416:0x5011").open()
