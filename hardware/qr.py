"""QR code matrices, fast: the qrcode package encodes the data, the mask is chosen here.

``qrcode`` picks the best of the eight masks by building the whole symbol eight times
and scoring each in pure Python (about 10 ms for a status URL); a ticket needs a new
code every time, so that was most of a ticket's rendering. Here the symbol's fixed
patterns are laid out once per version, the data bits placed once, and the eight
masks scored on rows held as integers with the same penalty rules as
``qrcode.util.lost_point``: the matrix is identical to ``qrcode``'s (a unit test checks
it), in well under a millisecond.

A matrix is a tuple of rows, each an ``int`` whose most significant of ``size`` bits is
the leftmost module (1 = dark), so a row packs straight into a 1-bit image.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import qrcode
from PIL import Image
from qrcode import LUT, base, util

EC_LEVELS = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
             "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}
# GS ( k function 169 parameter of each level (48 = L ... 51 = H).
ESCPOS_EC = {"L": 48, "M": 49, "Q": 50, "H": 51}


@dataclass(frozen=True)
class QrMatrix:
    size: int  # modules per side
    rows: tuple[int, ...]

    def dark(self, row: int, col: int) -> bool:
        return bool(self.rows[row] >> (self.size - 1 - col) & 1)

    def image(self, module: int) -> Image.Image:
        """A mode "1" image with 1 = dark module, ``module`` dots per module, no border."""
        pad = -self.size % 8
        width_bytes = (self.size + pad) // 8
        packed = b"".join((row << pad).to_bytes(width_bytes, "big") for row in self.rows)
        small = Image.frombytes("1", (self.size, self.size), packed)
        if module == 1:
            return small
        return small.resize((self.size * module, self.size * module), Image.Resampling.NEAREST)


@dataclass(frozen=True)
class _Template:
    """The parts of one version's symbol that do not depend on the data."""

    size: int
    fixed: tuple[int, ...]  # function patterns, format and version areas light
    data: tuple[int, ...]  # 1 where a data module goes
    order: tuple[tuple[int, int], ...]  # (row, bit) of each data module, in placement order
    masks: tuple[tuple[int, ...], ...]  # per mask pattern: its dark modules inside ``data``


def _bit(size: int, col: int) -> int:
    return 1 << (size - 1 - col)


@functools.lru_cache(maxsize=40)
def _template(version: int) -> _Template:
    code = qrcode.QRCode(version=version, border=0)
    size = code.modules_count = version * 4 + 17
    code.modules = [[None] * size for _ in range(size)]
    code.setup_position_probe_pattern(0, 0)
    code.setup_position_probe_pattern(size - 7, 0)
    code.setup_position_probe_pattern(0, size - 7)
    code.setup_position_adjust_pattern()
    code.setup_timing_pattern()
    code.setup_type_info(True, 0)  # test=True: the format area light, as qrcode scores it
    if version >= 7:
        code.setup_type_number(True)
    cells = code.modules
    fixed = tuple(sum(_bit(size, c) for c in range(size) if cells[r][c]) for r in range(size))
    data = tuple(sum(_bit(size, c) for c in range(size) if cells[r][c] is None)
                 for r in range(size))
    order = []
    row, step = size - 1, -1
    for col in range(size - 1, 0, -2):  # the zigzag of qrcode's map_data
        if col <= 6:
            col -= 1
        while True:
            for c in (col, col - 1):
                if cells[row][c] is None:
                    order.append((row, _bit(size, c)))
            row += step
            if not 0 <= row < size:
                row -= step
                step = -step
                break
    masks = []
    for pattern in range(8):
        dark = util.mask_func(pattern)
        masks.append(tuple(sum(_bit(size, c) for c in range(size)
                               if cells[r][c] is None and dark(r, c)) for r in range(size)))
    return _Template(size, fixed, data, tuple(order), tuple(masks))


@functools.lru_cache(maxsize=40 * 4 * 8)
def _format_rows(version: int, ec: int, pattern: int) -> tuple[int, ...]:
    """The format (and version) modules of a finished symbol with this mask."""
    code = qrcode.QRCode(version=version, error_correction=ec, border=0)
    size = code.modules_count = version * 4 + 17
    code.modules = [[None] * size for _ in range(size)]
    code.setup_type_info(False, pattern)
    if version >= 7:
        code.setup_type_number(False)
    return tuple(sum(_bit(size, c) for c in range(size) if code.modules[r][c])
                 for r in range(size))


_FINDER_LIKE = ((1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0), (0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1))
_GUARD = 16  # light bits between packed rows, more than any shift below reaches


@functools.lru_cache(maxsize=40)
def _row_masks(size: int) -> tuple[int, int, int, int]:
    """Per packed symbol: every module, all but the last column, the finder windows' starts."""
    stride = size + _GUARD
    full = (1 << size) - 1

    def packed(row_bits: int, rows: int = size) -> int:
        return sum(row_bits << (r * stride) for r in range(rows))

    return stride, packed(full), packed(full >> 1), packed(full >> 10)


def _runs(x: int, step: int) -> int:
    """Penalty 1 on a packed colour plane: each run of >= 5 along ``step`` costs length - 2."""
    five = x & x >> step & x >> 2 * step & x >> 3 * step & x >> 4 * step
    # A run of length L holds L - 4 windows of five and costs L - 2.
    return five.bit_count() + 2 * (five & ~(five << step)).bit_count()


def _penalty(rows: list[int], size: int) -> int:
    """``qrcode.util.lost_point`` of a symbol, on all rows at once: each row is packed
    into one big integer with light guard bits between rows, so a shift by 1 moves along
    the rows and a shift by ``stride`` down the columns."""
    stride, full, inner, windows = _row_masks(size)
    dark = 0
    for index, row in enumerate(rows):
        dark |= row << (index * stride)
    light = ~dark & full
    score = _runs(dark, 1) + _runs(light, 1) + _runs(dark, stride) + _runs(light, stride)
    # Penalty 2: every 2x2 block of one colour, 3 each.
    for plane in (dark, light):
        pairs = plane & plane >> stride
        score += 3 * (pairs & pairs >> 1 & inner).bit_count()
    # Penalty 3: 1:1:3:1:1 finder-like patterns with four light modules beside, 40 each.
    for pattern in _FINDER_LIKE:
        across, down = windows, full
        for k, is_dark in enumerate(pattern):
            plane = dark if is_dark else light
            across &= plane >> (10 - k)
            down &= plane >> (k * stride)
        score += 40 * (across.bit_count() + down.bit_count())
    # Penalty 4: 10 for every 5 % the dark share strays from half.
    score += int(abs(dark.bit_count() / (size * size) * 100 - 50) / 5) * 10
    return score


class _Bits:
    """A bit buffer on one integer (``qrcode``'s ``BitBuffer`` appends bit by bit)."""

    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def put(self, num: int, length: int) -> None:
        self.value = (self.value << length) | (num & ((1 << length) - 1))
        self.length += length

    def __len__(self) -> int:
        return self.length


@functools.lru_cache(maxsize=64)
def _generator_logs(ec_count: int) -> tuple[int, ...]:
    coefficients = LUT.rsPoly_LUT.get(ec_count)
    if coefficients is None:
        poly = base.Polynomial([1], 0)
        for i in range(ec_count):
            poly = poly * base.Polynomial([1, base.gexp(i)], 0)
        coefficients = [poly[i] for i in range(len(poly))]
    return tuple(base.LOG_TABLE[c] for c in coefficients[1:])


def _remainder(data: list[int], ec_count: int) -> list[int]:
    """Reed-Solomon check bytes of one block (the LFSR form of qrcode's polynomial mod)."""
    logs = _generator_logs(ec_count)
    exp, log = base.EXP_TABLE, base.LOG_TABLE
    rem = [0] * ec_count
    for byte in data:
        factor = byte ^ rem[0]
        rem = rem[1:]
        rem.append(0)
        if factor:
            lf = log[factor]
            rem = [r ^ exp[(g + lf) % 255] for r, g in zip(rem, logs, strict=True)]
    return rem


def _codewords(version: int, level: int, chunks: list) -> list[int]:
    """Data and check codewords, interleaved: what ``qrcode.util.create_data`` returns."""
    bits = _Bits()
    sizes = util.mode_sizes_for_version(version)
    for chunk in chunks:
        bits.put(chunk.mode, 4)
        bits.put(len(chunk), sizes[chunk.mode])
        chunk.write(bits)
    blocks = base.rs_blocks(version, level)
    limit = sum(block.data_count for block in blocks) * 8
    if bits.length > limit:
        raise ValueError(f"QR data too long: {bits.length} bits > {limit}")
    bits.put(0, min(limit - bits.length, 4))
    bits.put(0, -bits.length % 8)
    stream = list(bits.value.to_bytes(bits.length // 8, "big"))
    for i in range(limit // 8 - len(stream)):
        stream.append(util.PAD0 if i % 2 == 0 else util.PAD1)
    data_blocks, check_blocks, offset = [], [], 0
    for block in blocks:
        piece = stream[offset:offset + block.data_count]
        offset += block.data_count
        data_blocks.append(piece)
        check_blocks.append(_remainder(piece, block.total_count - block.data_count))
    out = []
    for group in (data_blocks, check_blocks):
        for i in range(max(len(b) for b in group)):
            out.extend(b[i] for b in group if i < len(b))
    return out


def _bits_needed(chunks: list, version: int) -> int:
    sizes = util.mode_sizes_for_version(version)
    total = 0
    for chunk in chunks:
        n = len(chunk)
        if chunk.mode == util.MODE_NUMBER:
            body = 10 * (n // 3) + (0, 4, 7)[n % 3]
        elif chunk.mode == util.MODE_ALPHA_NUM:
            body = 11 * (n // 2) + 6 * (n % 2)
        else:
            body = 8 * n
        total += 4 + sizes[chunk.mode] + body
    return total


def _version(chunks: list, level: int) -> int:
    """The smallest version that holds the data (``qrcode``'s ``best_fit``)."""
    limits = util.BIT_LIMIT_TABLE[level]
    for version in range(1, 41):
        if _bits_needed(chunks, version) <= limits[version]:
            return version
    raise ValueError("QR data too long for any QR version")


@functools.lru_cache(maxsize=256)
def qr_size(data: str, ec: str = "M") -> int:
    """Modules per side of :func:`qr_matrix` ``(data, ec)``, without building it."""
    return _version(list(util.optimal_data_chunks(data, minimum=20)), EC_LEVELS[ec]) * 4 + 17


@functools.lru_cache(maxsize=64)
def qr_matrix(data: str, ec: str = "M") -> QrMatrix:
    """The QR code of ``data`` (UTF-8, qrcode's segmenting, smallest version), no border."""
    level = EC_LEVELS[ec]
    chunks = list(util.optimal_data_chunks(data, minimum=20))  # qrcode's add_data default
    version = _version(chunks, level)
    template = _template(version)
    payload = _codewords(version, level, chunks)
    size = template.size
    bits = [0] * size
    byte_count = len(payload)
    for index, (row, bit) in enumerate(template.order):
        byte = index >> 3
        if byte < byte_count and payload[byte] >> (7 - (index & 7)) & 1:
            bits[row] |= bit
    best_rows: list[int] = []
    best_score = -1
    best_pattern = 0
    for pattern, mask in enumerate(template.masks):
        rows = [fixed | (data_bits ^ dark) for fixed, data_bits, dark
                in zip(template.fixed, bits, mask, strict=True)]
        score = _penalty(rows, size)
        if best_score < 0 or score < best_score:
            best_rows, best_score, best_pattern = rows, score, pattern
    fmt = _format_rows(version, level, best_pattern)
    return QrMatrix(size, tuple(row | extra for row, extra in zip(best_rows, fmt, strict=True)))
