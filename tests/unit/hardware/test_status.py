"""DLE EOT status bytes, PrinterStatus.ok, and the base printer's honest default."""

from __future__ import annotations

import pytest

from hardware.escpos_encode import parse_status, parse_status_reply, status_query
from hardware.printers import Printer, PrinterStatus
from hardware.printers.cups import parse_lpstat

ONLINE = 0x12  # bits 1 and 4 are always set in a status byte
OFFLINE = 0x12 | 0x08
NO_CAUSE = 0x12
COVER_OPEN = 0x12 | 0x04
STOPPED_PAPER_END = 0x12 | 0x20
ERROR = 0x12 | 0x40
PAPER_OK = 0x12
NEAR_END = 0x12 | 0x0C
PAPER_END = 0x12 | 0x60


def test_status_query_bytes():
    assert status_query() == b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"


@pytest.mark.parametrize(
    ("n", "byte", "expected"),
    [
        (1, ONLINE, PrinterStatus(known=True, online=True)),
        (1, OFFLINE, PrinterStatus(known=True, online=False)),
        (2, NO_CAUSE, PrinterStatus(known=True, cover_open=False)),
        (2, COVER_OPEN, PrinterStatus(known=True, cover_open=True)),
        (2, STOPPED_PAPER_END, PrinterStatus(known=True, cover_open=False, paper_out=True)),
        (
            2,
            ERROR,
            PrinterStatus(known=True, cover_open=False, error="printer reports an error"),
        ),
        (4, PAPER_OK, PrinterStatus(known=True, paper_near_end=False, paper_out=False)),
        (4, NEAR_END, PrinterStatus(known=True, paper_near_end=True, paper_out=False)),
        (4, 0x12 | 0x04, PrinterStatus(known=True, paper_near_end=True, paper_out=False)),
        (4, PAPER_END, PrinterStatus(known=True, paper_near_end=False, paper_out=True)),
        (4, 0x12 | 0x20, PrinterStatus(known=True, paper_near_end=False, paper_out=True)),
    ],
)
def test_parse_status_bit_meanings(n, byte, expected):
    assert parse_status(n, byte) == expected


@pytest.mark.parametrize("byte", [0x00, 0xFF, 0x13, 0x92, 0x10])
def test_bytes_that_are_not_status_replies_are_unknown(byte):
    status = parse_status(1, byte)

    assert not status.known and not status.ok
    assert "not a status reply" in (status.error or "")


def test_unsupported_query_is_rejected():
    with pytest.raises(ValueError):
        parse_status(3, ONLINE)


def test_full_reply_healthy():
    status = parse_status_reply(bytes([ONLINE, NO_CAUSE, PAPER_OK]))

    assert status == PrinterStatus(
        known=True, online=True, paper_out=False, paper_near_end=False, cover_open=False
    )
    assert status.ok


def test_full_reply_paper_out():
    status = parse_status_reply(bytes([OFFLINE, STOPPED_PAPER_END, PAPER_END]))

    assert status.known and not status.ok
    assert (status.online, status.paper_out, status.cover_open) == (False, True, False)
    assert status.error == "paper out"


def test_full_reply_cover_open_and_near_end():
    status = parse_status_reply(bytes([OFFLINE, COVER_OPEN, NEAR_END]))

    assert not status.ok
    assert status.cover_open and status.paper_near_end and status.paper_out is False
    assert status.error == "cover open"


def test_near_end_alone_is_still_ok():
    assert parse_status_reply(bytes([ONLINE, NO_CAUSE, NEAR_END])).ok


@pytest.mark.parametrize(
    ("reply", "error"),
    [(b"", "no reply"), (bytes([ONLINE]), "incomplete reply (1 of 3 bytes)")],
)
def test_missing_reply_is_never_ok(reply, error):
    status = parse_status_reply(reply)

    assert not status.known and not status.ok
    assert status.error == error


def test_ok_needs_every_condition():
    healthy = PrinterStatus(known=True, online=True, paper_out=False, cover_open=False)

    assert healthy.ok
    assert not PrinterStatus(known=False, online=True, paper_out=False, cover_open=False).ok
    assert not PrinterStatus(known=True, online=None).ok
    assert not PrinterStatus(known=True, online=True, paper_out=True).ok
    assert not PrinterStatus(known=True, online=True, cover_open=True).ok


class _RecordingPrinter(Printer):
    def __init__(self) -> None:
        super().__init__()
        self.sent = b""

    def _write(self, data: bytes) -> None:
        self.sent += data


def test_base_printer_never_claims_health_without_a_reply(make_ticket):
    printer = _RecordingPrinter()

    with printer:
        assert printer.is_open
        printer.print_ticket(make_ticket())
        status = printer.status()

    assert not printer.is_open
    assert status.known is False and not status.ok
    assert printer.sent.startswith(b"\x1b@")


def test_lpstat_disabled_queue_is_offline():
    status = parse_lpstat(
        "Lobby", 0, "printer Lobby disabled since Mon 06 May 2024 -\n\tPaper out\n", ""
    )

    assert status.known and status.online is False and not status.ok


def test_lpstat_enabled_queue_is_not_proof_of_health():
    status = parse_lpstat("Lobby", 0, "printer Lobby is idle.  enabled since Mon\n", "")

    assert not status.known and not status.ok
    assert "enabled" in (status.detail or "")


def test_lpstat_unknown_queue():
    status = parse_lpstat("Nope", 1, "", 'lpstat: Invalid destination name in list "Nope".\n')

    assert not status.ok and "Invalid destination" in (status.error or "")
