"""encode_ticket / parse_raster: the bytes a printer receives, checked byte by byte."""

from __future__ import annotations

import pytest
from PIL import Image
from pyzbar.pyzbar import decode

from hardware.escpos_encode import (
    INIT,
    PARTIAL_CUT,
    RASTER_BAND_ROWS,
    encode_raster,
    encode_ticket,
    parse_raster,
    qr_commands,
)
from hardware.layout import PAPER_WIDTHS, PrinterProfile, render_ticket
from tests.unit.hardware.sample import STATUS_URL

WIDTHS = sorted(PAPER_WIDTHS.values())


@pytest.mark.parametrize("width", WIDTHS)
def test_raster_bytes_rebuild_the_rendered_image_pixel_for_pixel(make_ticket, width):
    profile = PrinterProfile(width_dots=width)

    data = encode_ticket(make_ticket(), profile)
    rebuilt = parse_raster(data)
    rendered = render_ticket(make_ticket(), profile)

    assert rebuilt.size == rendered.size
    assert rebuilt.tobytes() == rendered.tobytes()


@pytest.mark.parametrize("width", WIDTHS)
def test_qr_decodes_from_the_printed_bytes(make_ticket, width):
    data = encode_ticket(make_ticket(), PrinterProfile(width_dots=width))

    symbols = decode(parse_raster(data).convert("L"))

    assert [symbol.data.decode() for symbol in symbols] == [STATUS_URL]


def test_raster_stream_framing(make_ticket):
    profile = PrinterProfile(width_dots=384)
    image = render_ticket(make_ticket(), profile)

    data = encode_ticket(make_ticket(), profile)

    assert data.startswith(INIT + b"\x1dv0\x00")
    assert data.endswith(b"\x1dV\x42\x00")
    bands = -(-image.height // RASTER_BAND_ROWS)
    assert data.count(b"\x1dv0\x00\x30\x00") == bands  # 0x30 = 48 bytes per row = 384 dots
    assert len(data) == len(INIT) + bands * 8 + 48 * image.height + len(PARTIAL_CUT)
    first_band = data[len(INIT) : len(INIT) + 8]
    assert first_band == b"\x1dv0\x00\x30\x00" + RASTER_BAND_ROWS.to_bytes(2, "little")


def test_raster_black_pixel_is_a_set_bit():
    image = Image.new("1", (16, 2), 1)
    image.putpixel((0, 0), 0)
    image.putpixel((15, 1), 0)

    assert encode_raster(image) == b"\x1dv0\x00\x02\x00\x02\x00" + b"\x80\x00" + b"\x00\x01"


def test_no_cut_feeds_instead(make_ticket):
    data = encode_ticket(make_ticket(), PrinterProfile(width_dots=384, cut=False))

    assert PARTIAL_CUT not in data[-8:]
    assert data.endswith(b"\x1bd\x03")


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
