"""The preview backend: real files a person (or zbar) can check."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from pyzbar.pyzbar import decode

from hardware.escpos_encode import encode_ticket
from hardware.printers import printer_from_spec
from hardware.printers.preview import PreviewPrinter
from tests.unit.hardware.sample import STATUS_URL


@pytest.mark.parametrize("options", ["", "?width=58mm", "?mode=text", "?width=58mm&mode=text"])
def test_preview_writes_exact_bytes_and_a_scannable_png(tmp_path: Path, make_ticket, options):
    directory = tmp_path / "var" / "tickets"
    printer = printer_from_spec(f"preview:{directory}{options}")
    ticket = make_ticket()

    with printer:
        printer.print_ticket(ticket)

    assert isinstance(printer, PreviewPrinter)
    bin_path, png_path = printer.last_files
    assert bin_path == directory / "20240508-093112-A023.bin"
    assert png_path == directory / "20240508-093112-A023.png"
    assert bin_path.read_bytes() == encode_ticket(ticket, printer.profile)
    with Image.open(png_path) as png:
        assert png.width == printer.profile.width_dots
        assert [s.data.decode() for s in decode(png.convert("L"))] == [STATUS_URL]
    assert sorted(p.name for p in directory.iterdir()) == [bin_path.name, png_path.name]


def test_reprint_keeps_the_first_files(tmp_path: Path, make_ticket):
    printer = PreviewPrinter(tmp_path)

    with printer:
        printer.print_ticket(make_ticket())
        first = printer.last_files
        printer.print_ticket(make_ticket(number="A/023 VIP"))
        odd_name = printer.last_files
        printer.print_ticket(make_ticket())
        second = printer.last_files

    assert first[0].name == "20240508-093112-A023.bin"
    assert odd_name[0].name == "20240508-093112-A_023_VIP.bin"
    assert second[0].name == "20240508-093112-A023-2.bin"
    assert all(path.is_file() for path in first + second)


def test_preview_status_is_always_ok(tmp_path: Path):
    status = PreviewPrinter(tmp_path).status()

    assert status.known and status.ok
