"""The CUPS backend, run against stand-in `lp` and `lpstat` programs on PATH."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from hardware.errors import PrinterError, PrinterOfflineError
from hardware.escpos_encode import encode_ticket
from hardware.printers import printer_from_spec


def _script(directory: Path, name: str, body: str) -> None:
    path = directory / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def fake_cups(tmp_path: Path, monkeypatch) -> Path:
    """`lp` saves its arguments and stdin; `lpstat` prints $FAKE_LPSTAT."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _script(bin_dir, "lp", 'printf "%s\\n" "$@" > "$FAKE_CUPS/args"\ncat > "$FAKE_CUPS/job"\n')
    _script(bin_dir, "lpstat", 'printf "%s\\n" "$FAKE_LPSTAT"\n')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_CUPS", str(tmp_path))
    return tmp_path


def test_lp_gets_the_exact_bytes_and_an_argument_list(fake_cups: Path, make_ticket):
    printer = printer_from_spec("cups:Lobby_Ticket?width=58mm")
    ticket = make_ticket()

    with printer:
        printer.print_ticket(ticket)

    assert (fake_cups / "args").read_text().splitlines() == ["-d", "Lobby_Ticket", "-o", "raw"]
    assert (fake_cups / "job").read_bytes() == encode_ticket(ticket, printer.profile)


def test_lp_failure_is_a_printer_error(tmp_path: Path, monkeypatch, make_ticket):
    _script(tmp_path, "lp", 'echo "lp: The printer or class does not exist." >&2\nexit 1\n')
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(PrinterError, match="does not exist"):
        printer_from_spec("cups:Nope").print_ticket(make_ticket())


def test_missing_lp_is_offline(tmp_path: Path, monkeypatch, make_ticket):
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(PrinterOfflineError, match="cups-client"):
        printer_from_spec("cups:Lobby").print_ticket(make_ticket())


def test_status_from_lpstat(fake_cups: Path, monkeypatch):
    printer = printer_from_spec("cups:Lobby")

    monkeypatch.setenv("FAKE_LPSTAT", "printer Lobby disabled since Mon 06 May 2024 -")
    disabled = printer.status()
    monkeypatch.setenv("FAKE_LPSTAT", "printer Lobby is idle.  enabled since Mon 06 May 2024")
    enabled = printer.status()

    assert disabled.known and disabled.online is False and not disabled.ok
    assert not enabled.known and not enabled.ok
