"""encode_ticket / parse_raster: the bytes a printer receives, checked byte by byte."""

from __future__ import annotations

import pytest
from PIL import Image
from pyzbar.pyzbar import decode

from hardware.escpos_encode import (
    ALIGN_CENTER,
    INIT,
    PARTIAL_CUT,
    RASTER_BAND_ROWS,
    encode_raster,
    encode_ticket,
    parse_raster,
    print_area,
    qr_commands,
)
from hardware.layout import PAPER_WIDTHS, PrinterProfile, draw_ticket, render_ticket
from tests.unit.hardware.sample import STATUS_URL

WIDTHS = sorted(PAPER_WIDTHS.values())
PROFILES = [PrinterProfile(width_dots=width, qr=qr) for width in WIDTHS for qr in ("native", "raster")]


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: f"{p.width_dots}-{p.qr}")
def test_raster_bytes_rebuild_the_rendered_image_pixel_for_pixel(make_ticket, profile):
    data = encode_ticket(make_ticket(), profile)
    rebuilt = parse_raster(data, profile.width_dots)
    rendered = render_ticket(make_ticket(), profile)

    assert rebuilt.size == rendered.size
    assert rebuilt.tobytes() == rendered.tobytes()


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: f"{p.width_dots}-{p.qr}")
def test_qr_decodes_from_the_printed_bytes(make_ticket, profile):
    data = encode_ticket(make_ticket(), profile)

    symbols = decode(parse_raster(data).convert("L"))

    assert [symbol.data.decode() for symbol in symbols] == [STATUS_URL]
    assert (b"\x1d(k" in data) == profile.native_qr


def _commands(data: bytes) -> list[tuple[bytes, int, int, bytes]]:
    """(command, band width in bytes, rows, bits) of every GS v 0 and ESC J, in order;
    a double-height band's rows counted as printed."""
    found, pos = [], 0
    while pos < len(data):
        if data.startswith(b"\x1dv0", pos):
            row_bytes = int.from_bytes(data[pos + 4 : pos + 6], "little")
            rows = int.from_bytes(data[pos + 6 : pos + 8], "little")
            bits = data[pos + 8 : pos + 8 + row_bytes * rows]
            found.append((b"GS v 0", row_bytes, rows, bits))
            if data[pos + 3] & 0x02:  # double height: each row printed twice
                found.append((b"tall", row_bytes, rows, b""))
            pos += 8 + row_bytes * rows
        elif data.startswith(b"\x1bJ", pos):
            found.append((b"ESC J", 0, data[pos + 2], b""))
            pos += 3
        else:
            pos += 1
    return found


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: f"{p.width_dots}-{p.qr}")
def test_raster_stream_feeds_blank_paper_and_trims_bands(make_ticket, profile):
    data = encode_ticket(make_ticket(), profile)
    drawing = draw_ticket(make_ticket(), profile)
    commands = _commands(data)

    assert data.startswith(INIT + print_area(profile.width_dots) + ALIGN_CENTER)
    assert data.endswith(PARTIAL_CUT)
    bands = [c for c in commands if c[0] == b"GS v 0"]
    for _name, row_bytes, rows, bits in bands:
        assert rows <= RASTER_BAND_ROWS and row_bytes <= profile.width_dots // 8
        for row in range(rows):  # no white row is ever sent: blank paper is fed
            assert any(bits[row * row_bytes : (row + 1) * row_bytes])
    assert any(row_bytes < profile.width_dots // 8 for _n, row_bytes, _r, _b in bands)
    fed = sum(rows for name, _b, rows, _d in commands if name == b"ESC J")
    printed = sum(rows for name, _b, rows, _d in commands if name in (b"GS v 0", b"tall"))
    qr_rows = drawing.qr.size if drawing.qr else 0
    assert fed + printed + qr_rows == drawing.ink.height


def test_untrimmed_bands_are_full_width_and_print_the_same(make_ticket):
    profile = PrinterProfile(width_dots=576, trim=False)

    data = encode_ticket(make_ticket(), profile)

    assert {row_bytes for name, row_bytes, _r, _b in _commands(data) if name == b"GS v 0"} == {72}
    assert parse_raster(data).tobytes() == render_ticket(make_ticket(), profile).tobytes()


def test_the_big_number_goes_at_half_the_rows_printed_double_height(make_ticket):
    profile = PrinterProfile(width_dots=576)
    drawing = draw_ticket(make_ticket(), profile)
    [(top, bottom)] = drawing.tall
    ink = drawing.ink
    rows = [ink.crop((0, y, ink.width, y + 1)).tobytes() for y in range(top, bottom)]

    assert all(rows[i] == rows[i + 1] for i in range(0, len(rows), 2))
    assert b"\x1dv0\x02" in encode_ticket(make_ticket(), profile)


def test_raster_black_pixel_is_a_set_bit():
    image = Image.new("1", (16, 2), 1)
    image.putpixel((0, 0), 0)
    image.putpixel((15, 1), 0)

    assert encode_raster(image) == b"\x1dv0\x00\x02\x00\x02\x00" + b"\x80\x00" + b"\x00\x01"


def test_no_cut_feeds_instead(make_ticket):
    data = encode_ticket(make_ticket(), PrinterProfile(width_dots=384, cut=False))

    assert PARTIAL_CUT not in data[-8:]
    assert data.endswith(b"\x1bd\x03")


def test_the_reader_draws_a_native_qr_code_where_the_printer_would():
    data = INIT + print_area(64) + ALIGN_CENTER + b"\x1bJ\x05" + qr_commands("AB", 2) + b"\x1bJ\x03"

    picture = parse_raster(data)

    assert picture.size == (64, 5 + 21 * 2 + 3)  # "AB" is a version 1 code: 21 modules
    assert picture.getbbox() == (0, 0, 64, picture.height)  # white paper around it
    ink = picture.crop((0, 5, 64, 5 + 42))
    assert ink.getpixel(((64 - 42) // 2, 0)) == 0  # the finder pattern's corner, centred
    assert [s.data for s in decode(picture.convert("L"))] == [b"AB"]


def test_parse_raster_rejects_data_without_raster():
    with pytest.raises(ValueError, match="no GS v 0"):
        parse_raster(b"\x1b@hello")
    with pytest.raises(ValueError, match="truncated"):
        parse_raster(b"\x1dv0\x00\x02\x00\x02\x00\x00")


@pytest.mark.parametrize("width", WIDTHS)
def test_text_mode_bytes(make_ticket, width):
    ticket = make_ticket()

    data = encode_ticket(ticket, PrinterProfile(width_dots=width, mode="text"))

    assert data.startswith(INIT + b"\x1c&")  # init, then FS & Chinese mode
    assert "您的号码".encode("gb18030") == b"\xc4\xfa\xb5\xc4\xba\xc5\xc2\xeb"
    assert b"\xc4\xfa\xb5\xc4\xba\xc5\xc2\xeb\n" in data
    assert "拉萨市城关区政务服务中心".encode("gb18030") in data
    assert "取号时间 2024-05-08 09:31".encode("gb18030") in data
    assert b"\x1d!\x33" + b"\x1bE\x01" + b"A023\n" in data  # 4x size, bold number
    url = STATUS_URL.encode()
    store = b"\x1d(k" + (len(url) + 3).to_bytes(2, "little") + b"\x31\x50\x30" + url
    assert store in data
    assert b"\x1d(k\x03\x00\x31\x45\x31" in data  # error correction M
    assert b"\x1d(k\x03\x00\x31\x51\x30" in data  # print symbol
    assert b"\x1dv0" not in data
    assert data.endswith(PARTIAL_CUT)
    assert data.decode("gb18030", errors="strict")  # every text byte is valid GB18030


def test_text_mode_qr_module_size_follows_paper(make_ticket):
    wide = encode_ticket(make_ticket(), PrinterProfile(width_dots=576, mode="text"))
    narrow = encode_ticket(make_ticket(), PrinterProfile(width_dots=384, mode="text"))

    assert b"\x1d(k\x03\x00\x31\x43\x06" in wide
    assert b"\x1d(k\x03\x00\x31\x43\x04" in narrow


def test_qr_commands_exact_sequence():
    assert qr_commands("AB", 5) == (
        b"\x1d(k\x04\x00\x31\x41\x32\x00"
        b"\x1d(k\x03\x00\x31\x43\x05"
        b"\x1d(k\x03\x00\x31\x45\x31"
        b"\x1d(k\x05\x00\x31\x50\x30AB"
        b"\x1d(k\x03\x00\x31\x51\x30"
    )
