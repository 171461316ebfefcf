"""Turning a ticket into ESC/POS bytes (pure, no I/O); ``hardware.escpos_read``
reads them back (``parse_raster`` is kept here under its old name).

Two encodings (see :class:`~hardware.ticket.PrinterProfile`):

* raster: ``ESC @``, the drawn slip as ``GS v 0`` bands cut to their ink with
  ``ESC J`` feeds for blank paper, the QR code as the printer's ``GS ( k`` where the
  profile says so (:attr:`PrinterProfile.native_qr`), then the cut. Needs no font in
  the printer.
* text: ``ESC @``, ``FS &`` (Chinese character mode), GB18030 text lines with
  alignment and ``GS !`` sizes, the QR code drawn by the printer (``GS ( k``, model 2,
  error level M), then the cut. Needs a printer with a resident Chinese font.
"""

from __future__ import annotations

from PIL import Image

from hardware.escpos_read import parse_raster as parse_raster  # re-exported: its old home
from hardware.escpos_read import read_escpos as read_escpos
from hardware.layout import draw_ticket
from hardware.qr import ESCPOS_EC
from hardware.sheet import Drawing
from hardware.status import PrinterStatus
from hardware.ticket import (
    PAPER_WIDTHS,
    PrinterProfile,
    TicketContent,
    ahead_text,
    issued_text,
    materials_text,
    text_columns,
    wait_text,
    windows_text,
    wrap,
)

ESC = b"\x1b"
GS = b"\x1d"
FS = b"\x1c"
DLE = b"\x10"
EOT = b"\x04"
LF = b"\n"

INIT = ESC + b"@"
CHINESE_MODE_ON = FS + b"&"
ALIGN_LEFT = ESC + b"a\x00"
ALIGN_CENTER = ESC + b"a\x01"
BOLD_ON = ESC + b"E\x01"
BOLD_OFF = ESC + b"E\x00"
REVERSE_ON = GS + b"B\x01"
REVERSE_OFF = GS + b"B\x00"
RASTER_HEADER = GS + b"v0"
PARTIAL_CUT = GS + b"V\x42\x00"  # function B: feed to the cutter, then partial cut
QR_PREFIX = GS + b"(k"

RASTER_BAND_ROWS = 64
"""Rows per ``GS v 0`` block: 4.6 KB at 80 mm, small enough for the receive buffer of
cheap printers, large enough to keep the command overhead negligible."""

MAX_FEED = 255  # ESC J n feeds at most 255 dots (rows) at a time

INVERT_BITS = bytes(255 - value for value in range(256))  # table for bytes.translate

FONT_A_DOTS = 12  # width of one half-width character of the resident font A
TAIL_FEED_LINES = 3  # blank lines after the last text when the printer cannot cut

# DLE EOT n: the three real-time status queries used here.
STATUS_PRINTER = 1
STATUS_OFFLINE_CAUSE = 2
STATUS_PAPER = 4
STATUS_QUERIES: tuple[int, ...] = (STATUS_PRINTER, STATUS_OFFLINE_CAUSE, STATUS_PAPER)


def encode_ticket(content: TicketContent, profile: PrinterProfile) -> bytes:
    """The complete byte stream for one ticket, in the profile's mode."""
    if profile.mode == "text":
        return INIT + _text_body(content, profile) + _finish(profile)
    return encode_drawing(draw_ticket(content, profile), profile)


def _finish(profile: PrinterProfile) -> bytes:
    return PARTIAL_CUT if profile.cut else ESC + b"d" + bytes([TAIL_FEED_LINES])


def print_area(width_dots: int) -> bytes:
    """``GS W``: the printing area the slip was laid out for, so that centring (and
    the reader) puts every trimmed band where the full-width picture had it."""
    return GS + b"W" + width_dots.to_bytes(2, "little")


def feed(rows: int) -> bytes:
    """``ESC J n``: feed blank paper instead of sending white raster rows."""
    out = bytearray()
    while rows > 0:
        step = min(rows, MAX_FEED)
        out += ESC + b"J" + bytes([step])
        rows -= step
    return bytes(out)


def encode_drawing(drawing: Drawing, profile: PrinterProfile) -> bytes:
    """The raster stream of a drawn slip: ``ESC @``, the print area, centring, then
    from top to bottom ``ESC J`` for blank rows, ``GS v 0`` bands for rows with ink
    (each trimmed to the ink, symmetric about the middle so centring puts it back in
    place) and ``GS ( k`` where the printer draws the QR code; then the cut."""
    ink = drawing.ink
    width, height = ink.size
    if width % 8:
        raise ValueError(f"raster width must be a multiple of 8 dots, got {width}")
    _columns, inked = ink.getprojection()  # per row: 1 if it has a dot
    qr = drawing.qr
    qr_top = qr.top if qr else -1
    out = bytearray(INIT + print_area(width) + ALIGN_CENTER)
    y = 0
    while y < height:
        if y == qr_top:
            out += qr_commands(qr.data, qr.module, qr.ec)
            y += qr.size
            continue
        stop = qr_top if y < qr_top else height
        start = y
        blank = not inked[y]
        while y < stop and (not inked[y]) == blank:
            y += 1
        if blank:
            out += feed(y - start)
            continue
        for top, bottom, tall in _split(start, y, drawing.tall):
            out += _bands(ink, top, bottom, tall=tall, trim=profile.trim)
    return bytes(out + _finish(profile))


def _split(top: int, bottom: int, tall: tuple[tuple[int, int], ...]):
    """The rows ``top..bottom`` in pieces, each wholly inside or outside a tall range."""
    cuts = sorted({top, bottom, *(edge for rng in tall for edge in rng if top < edge < bottom)})
    for start, stop in zip(cuts, cuts[1:], strict=False):
        inside = any(low <= start and stop <= high for low, high in tall)
        yield start, stop, inside and (stop - start) % 2 == 0


def _bands(ink: Image.Image, top: int, bottom: int, *, tall: bool = False,
           trim: bool = True) -> bytes:
    """``GS v 0`` blocks for the rows ``top..bottom`` of ``ink``, cut to their ink;
    ``tall`` rows come in identical pairs and go once, printed double height."""
    width = ink.width
    middle = width // 2
    box = ink.crop((0, top, width, bottom)).getbbox() if trim else None
    left, right = (box[0], box[2]) if box else (0, width)
    half = max(middle - left, right - middle)
    half = min(middle, -(-half // 4) * 4)  # a whole number of bytes either side
    lo, hi = middle - half, middle + half
    row_bytes = (hi - lo) // 8
    step = 2 if tall else 1
    out = bytearray()
    for start in range(top, bottom, RASTER_BAND_ROWS * step):
        rows = min(RASTER_BAND_ROWS, (bottom - start) // step)
        band = ink.crop((lo, start, hi, start + rows * step))
        if tall:
            band = band.resize((band.width, rows), Image.Resampling.NEAREST)  # one of each pair
        mode = b"\x02" if tall else b"\x00"
        out += RASTER_HEADER + mode + row_bytes.to_bytes(2, "little") + rows.to_bytes(2, "little")
        out += band.tobytes()
    return bytes(out)


def encode_raster(image: Image.Image) -> bytes:
    """``GS v 0`` blocks for a whole 1-bit picture (black pixel = printed dot), every
    row sent: for pictures that are not slips."""
    bw = image.convert("1", dither=Image.Dither.NONE)
    width, height = bw.size
    if width % 8:
        raise ValueError(f"raster width must be a multiple of 8 dots, got {width}")
    # Pillow packs mode "1" as 1 = white; ESC/POS wants 1 = black: invert every byte.
    packed = bw.tobytes().translate(INVERT_BITS)
    row_bytes = width // 8
    out = bytearray()
    for top in range(0, height, RASTER_BAND_ROWS):
        rows = min(RASTER_BAND_ROWS, height - top)
        out += RASTER_HEADER + b"\x00"
        out += row_bytes.to_bytes(2, "little") + rows.to_bytes(2, "little")
        out += packed[top * row_bytes : (top + rows) * row_bytes]
    return bytes(out)


# ---- text mode -----------------------------------------------------------------


def size_command(magnification: int) -> bytes:
    """``GS ! n``: the same magnification (1-8) in width and height."""
    step = max(1, min(8, magnification)) - 1
    return GS + b"!" + bytes([(step << 4) | step])


def qr_commands(data: str, module_dots: int, ec: str = "M") -> bytes:
    """The native QR sequence: model 2, module size, error level (M), store, print."""
    payload = data.encode("utf-8")
    store_length = len(payload) + 3
    if store_length > 0xFFFF:
        raise ValueError("QR payload too long")
    return b"".join(
        (
            QR_PREFIX + b"\x04\x00\x31\x41\x32\x00",  # fn 165: model 2
            QR_PREFIX + b"\x03\x00\x31\x43" + bytes([module_dots]),  # fn 167: module size
            QR_PREFIX + b"\x03\x00\x31\x45" + bytes([ESCPOS_EC[ec]]),  # fn 169: error level
            QR_PREFIX + store_length.to_bytes(2, "little") + b"\x31\x50\x30" + payload,  # fn 180
            QR_PREFIX + b"\x03\x00\x31\x51\x30",  # fn 181: print the stored symbol
        )
    )


def _line(text: str) -> bytes:
    return text.encode("gb18030") + LF


def _wrapped(text: str, columns: int, max_lines: int) -> bytes:
    return b"".join(_line(line) for line in wrap(text, text_columns, columns, max_lines))


def _text_body(content: TicketContent, profile: PrinterProfile) -> bytes:
    columns = profile.width_dots // FONT_A_DOTS
    rule = _line("-" * columns)
    out = bytearray(CHINESE_MODE_ON + ALIGN_CENTER)
    if content.header:
        out += _wrapped(content.header, columns, 2)
    out += BOLD_ON + _wrapped(content.center_name, columns, 2) + BOLD_OFF + rule
    out += _line(content.number_label)
    magnification = max(1, min(4, columns // max(1, text_columns(content.number))))
    out += size_command(magnification) + BOLD_ON + _line(content.number)
    out += BOLD_OFF + size_command(1)
    if content.priority_label:
        out += REVERSE_ON + BOLD_ON + _line(f" {content.priority_label} ") + BOLD_OFF + REVERSE_OFF
    out += rule
    out += size_command(2) if columns >= 2 * 24 else b""
    out += BOLD_ON + _wrapped(content.matter_name, columns // 2 if columns >= 48 else columns, 2)
    out += BOLD_OFF + size_command(1)
    out += _wrapped(content.unit_name, columns, 2)
    windows = windows_text(content)
    if windows:
        out += BOLD_ON + _wrapped(windows, columns, 2) + BOLD_OFF
    out += _line(ahead_text(content))
    wait = wait_text(content)
    if wait:
        out += _line(wait)
    module = 6 if profile.width_dots >= PAPER_WIDTHS["80mm"] else 4
    out += qr_commands(content.status_url, module) + LF
    out += _line(content.labels.scan_hint) + _line(issued_text(content))
    materials = materials_text(content, text_columns, columns)
    if materials:
        out += _line(materials)
    if content.footer:
        out += _wrapped(content.footer, columns, 3)
    out += ALIGN_LEFT
    return bytes(out)


# ---- status ------------------------------------------------------------------


def status_query() -> bytes:
    """``DLE EOT 1``, ``DLE EOT 2``, ``DLE EOT 4``: printer, offline cause, paper sensor.

    The printer answers each with one byte, in order, even while busy printing.
    """
    return b"".join(DLE + EOT + bytes([n]) for n in STATUS_QUERIES)


def _is_status_byte(byte: int) -> bool:
    # Every DLE EOT reply has bit 1 and bit 4 set, bit 0 and bit 7 clear.
    return byte & 0b1001_0011 == 0b0001_0010


def parse_status(n: int, byte: int) -> PrinterStatus:
    """What one ``DLE EOT n`` reply byte says; fields it does not cover stay None.

    * n=1 printer status: bit 3 = offline.
    * n=2 offline cause: bit 2 = cover open, bit 5 = stopped because paper ran out,
      bit 6 = an error occurred.
    * n=4 roll paper sensor: bits 2-3 = paper near end, bits 5-6 = paper out.
    """
    if n not in STATUS_QUERIES:
        raise ValueError(f"unsupported DLE EOT query {n}; supported: {STATUS_QUERIES}")
    if not 0 <= byte <= 0xFF or not _is_status_byte(byte):
        return PrinterStatus(known=False, error=f"not a status reply: 0x{byte:02x} to DLE EOT {n}")
    if n == STATUS_PRINTER:
        return PrinterStatus(known=True, online=not byte & 0x08)
    if n == STATUS_OFFLINE_CAUSE:
        error = "printer reports an error" if byte & 0x40 else None
        return PrinterStatus(
            known=True,
            cover_open=bool(byte & 0x04),
            paper_out=True if byte & 0x20 else None,
            error=error,
        )
    return PrinterStatus(known=True, paper_near_end=bool(byte & 0x0C), paper_out=bool(byte & 0x60))


def parse_status_reply(reply: bytes) -> PrinterStatus:
    """Combine the three reply bytes to :func:`status_query` into one status.

    A short or malformed reply gives ``known=False``: the printer is never assumed
    healthy on partial evidence.
    """
    if len(reply) < len(STATUS_QUERIES):
        return PrinterStatus(
            known=False,
            online=False if not reply else None,
            error="no reply" if not reply else f"incomplete reply ({len(reply)} of 3 bytes)",
        )
    parts = [parse_status(n, byte) for n, byte in zip(STATUS_QUERIES, reply, strict=False)]
    bad = next((part for part in parts if not part.known), None)
    if bad is not None:
        return bad
    printer, cause, paper = parts
    paper_out = bool(paper.paper_out or cause.paper_out)
    errors = [part.error for part in parts if part.error]
    if paper_out:
        errors.append("paper out")
    if cause.cover_open:
        errors.append("cover open")
    if printer.online is False and not errors:
        errors.append("offline")
    return PrinterStatus(
        known=True,
        online=printer.online,
        paper_out=paper_out,
        paper_near_end=paper.paper_near_end,
        cover_open=cause.cover_open,
        error="; ".join(errors) or None,
    )
