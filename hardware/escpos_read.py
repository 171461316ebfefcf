"""Reading ESC/POS back into the picture a printer would print (pure, no I/O).

Used by the preview printer (its ``.png`` is decoded from the very bytes) and by the
tests (golden images, zbar decoding of the QR code). It follows what raster tickets
use: ``ESC @``, ``ESC a`` (justification), ``GS W`` (print area width), ``ESC J``
(feed), ``GS v 0`` bands (any width, placed by the justification) and the native QR
code ``GS ( k`` (model, module size, error level, store, print), drawn with the same
encoder as the layout (``hardware.qr``). Text and the other commands are stepped over:
text mode tickets are not pictures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image, ImageChops

from hardware.qr import ESCPOS_EC, qr_matrix

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10
DOTS_PER_MM = 8  # 203 dpi thermal heads

# Bytes of parameters after ``ESC x`` / ``GS x`` for the fixed-length commands we step over.
_ESC_PARAMS = {b"@": 0, b"a": 1, b"J": 1, b"d": 1, b"E": 1, b"!": 1, b"2": 0, b"3": 1,
               b"-": 1, b"M": 1, b"G": 1, b"t": 1, b"R": 1, b"{": 1, b"V": 1, b"p": 3}
_GS_PARAMS = {b"!": 1, b"B": 1, b"W": 2, b"L": 2, b"H": 1, b"h": 1, b"w": 1, b"f": 1,
              b"P": 2}
_EC_OF = {value: name for name, value in ESCPOS_EC.items()}


@dataclass
class _Paper:
    width: int | None = None
    align: int = 0
    y: int = 0
    placed: list[tuple[Image.Image, int]] = field(default_factory=list)  # (ink, y), x later
    aligns: list[int] = field(default_factory=list)
    module: int = 3
    ec: str = "M"
    stored: bytes | None = None
    rasters: int = 0
    codes: int = 0

    def place(self, ink: Image.Image) -> None:
        self.placed.append((ink, self.y))
        self.aligns.append(self.align)
        self.y += ink.height


def _band(data: bytes, pos: int) -> tuple[Image.Image, int]:
    header = data[pos + 3 : pos + 8]
    if len(header) < 5:
        raise ValueError(f"truncated GS v 0 header at byte {pos}")
    mode, row_bytes, rows = (
        header[0],
        int.from_bytes(header[1:3], "little"),
        int.from_bytes(header[3:5], "little"),
    )
    start = pos + 8
    end = start + row_bytes * rows
    if end > len(data):
        raise ValueError(f"truncated GS v 0 block at byte {pos}: needs {end - start} bytes")
    band = Image.frombytes("1", (row_bytes * 8, rows), data[start:end])
    if mode & 0x01:  # double width
        band = band.resize((band.width * 2, band.height), Image.Resampling.NEAREST)
    if mode & 0x02:  # double height
        band = band.resize((band.width, band.height * 2), Image.Resampling.NEAREST)
    return band, end


def _qr_function(paper: _Paper, data: bytes, pos: int) -> int:
    """One ``GS ( k pL pH cn fn ...``; returns the position after it."""
    if pos + 5 > len(data):
        raise ValueError(f"truncated GS ( k at byte {pos}")
    length = int.from_bytes(data[pos + 3 : pos + 5], "little")
    end = pos + 5 + length
    if end > len(data) or length < 2:
        raise ValueError(f"truncated GS ( k at byte {pos}")
    cn, fn, args = data[pos + 5], data[pos + 6], data[pos + 7 : end]
    if cn != 0x31:  # not a QR code (PDF417...): stepped over
        return end
    if fn == 0x43 and args:  # 167: module size
        paper.module = args[0]
    elif fn == 0x45 and args:  # 169: error correction level
        paper.ec = _EC_OF.get(args[0], "M")
    elif fn == 0x50:  # 180: store the data (after the m byte)
        paper.stored = args[1:]
    elif fn == 0x51 and paper.stored is not None:  # 181: print the stored symbol
        matrix = qr_matrix(paper.stored.decode("utf-8", errors="replace"), paper.ec)
        paper.place(matrix.image(paper.module))
        paper.codes += 1
    return end


def read_escpos(data: bytes, width: int | None = None) -> Image.Image:
    """The picture (mode "1", black = 0) the raster commands in ``data`` print.

    ``width`` is the paper's printable width in dots; without it the ``GS W`` in the
    stream, else the widest band or code. Raises ``ValueError`` when there is no
    raster band and no QR code, or a command is truncated.
    """
    paper = _Paper()
    pos, size = 0, len(data)
    while pos < size:
        byte = data[pos]
        command = data[pos + 1 : pos + 2]
        if byte == GS and command == b"v" and data[pos + 2 : pos + 3] == b"0":
            band, pos = _band(data, pos)
            paper.place(band)
            paper.rasters += 1
        elif byte == GS and command == b"(" and data[pos + 2 : pos + 3] == b"k":
            pos = _qr_function(paper, data, pos)
        elif byte == GS and command == b"V":
            function = data[pos + 2] if pos + 2 < size else 0
            pos += 4 if function in (65, 66) else 3
        elif byte == GS and command in _GS_PARAMS:
            args = data[pos + 2 : pos + 2 + _GS_PARAMS[command]]
            if command == b"W" and len(args) == 2:
                paper.width = int.from_bytes(args, "little")
            pos += 2 + _GS_PARAMS[command]
        elif byte == ESC and command in _ESC_PARAMS:
            args = data[pos + 2 : pos + 2 + _ESC_PARAMS[command]]
            if command == b"@":
                paper.align, paper.module, paper.ec, paper.stored = 0, 3, "M", None
            elif command == b"a" and args:
                paper.align = args[0] % 48 if args[0] >= 48 else args[0]
            elif command == b"J" and args:
                paper.y += args[0]
            pos += 2 + _ESC_PARAMS[command]
        elif byte == DLE and data[pos + 1 : pos + 2] == b"\x04":
            pos += 3
        else:
            pos += 1  # text, LF, FS &...: not part of the picture
    if not paper.rasters and not paper.codes:
        raise ValueError("no GS v 0 raster block or GS ( k QR code in data")
    full = paper.width or max(ink.width for ink, _y in paper.placed)
    full = max([full] + [ink.width for ink, _y in paper.placed])
    canvas = Image.new("1", (full, paper.y), 0)
    for (ink, y), align in zip(paper.placed, paper.aligns, strict=True):
        x = 0 if align == 0 else (full - ink.width) // 2 if align == 1 else full - ink.width
        canvas.paste(ink, (x, y))
    return ImageChops.invert(canvas)


def parse_raster(data: bytes, width: int | None = None) -> Image.Image:
    """The old name of :func:`read_escpos`."""
    return read_escpos(data, width)


def paper_length_mm(data: bytes) -> float:
    """How much paper the raster stream takes, from the first row to the cut."""
    return read_escpos(data).height / DOTS_PER_MM
