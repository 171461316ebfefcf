"""Drawing a paper slip (a queue ticket, an acceptance receipt) into a 1-bit image.

Both slips have one shape, :class:`Slip`: a label and the big number first, the
center, a rule, what the visit is about, a QR code with the lines that go with it, a
few small lines and a footer. :func:`draw_slip` lays it out for a paper width:

* with a rastered QR code, the lines about the wait sit beside the code;
* when the printer draws the QR code itself (``GS ( k``, :attr:`PrinterProfile.native_qr`),
  the code needs rows of its own, so the lines go above and below it and the drawing
  leaves its rows blank, to be filled by the printer (:class:`NativeQr`).

The result is a :class:`Drawing` in *ink* form (mode "1", 1 = a printed dot: what
ESC/POS wants); :meth:`Drawing.picture` is the usual black-on-white picture. Every
text line is drawn once per text, font and size and kept (``_text``): the center's
name, the labels and a matter's lines cost nothing from the second ticket on; only
the number, the wait and the time are new.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from PIL import Image, ImageChops, ImageDraw, ImageFont

from hardware.fonts import bold_variant, find_cjk_font, load_font
from hardware.qr import qr_matrix, qr_size
from hardware.ticket import PAPER_WIDTHS, PrinterProfile, wrap

BASE_WIDTH = 576  # sizes below are in dots at 80 mm and scaled for other widths
MIN_TEXT_PX = 20  # smaller Chinese is hard to read on thermal paper
QR_EC = "M"
QR_QUIET_MODULES = 4  # the blank border a scanner wants beside the code
QR_QUIET_ROWS = 2  # modules of blank paper above and below it (text lines there, not codes)
ASCENT, DESCENT = 0.92, 0.26  # a text line's box, in em: CJK ink, Latin descenders
_THRESHOLD = [0] * 128 + [255] * 128  # anti-aliased coverage >= 128 becomes a dot

# Base sizes (px at 80 mm).
LABEL, BODY, SMALL, TITLE, SUBJECT, EMPHASIS = 22, 24, 20, 28, 28, 26
BIG_MAX = 120
PAIR_SEPARATOR = " · "


@dataclass(frozen=True)
class Slip:
    """What one slip says, top to bottom; drawing decides where each part goes."""

    big_label: str  # 您的号码 / 办件编号
    big: str  # the ticket number / the case number, drawn as large as fits
    title: str  # the center's name
    subject: str  # the matter
    qr_data: str
    badge: str | None = None  # white on black beside the label: 优先, 受理回执
    subtitle: str | None = None  # the configured header
    detail: str | None = None  # the unit
    emphasis: str | None = None  # the windows
    before_qr: tuple[str, ...] = ()  # the wait: beside the code, or above it
    after_qr: tuple[str, ...] = ()  # scan hint, time: beside the code, or below it
    tail: tuple[Callable[[Callable[[str], float], float], str | None], ...] = ()
    footer: str | None = None
    big_max_px: int = BIG_MAX


@dataclass(frozen=True)
class NativeQr:
    """A QR code the printer draws (``GS ( k``) into rows the drawing left blank.

    ``size`` is the symbol ``hardware.qr`` would make; a printer that picks another
    version prints a code a few modules larger or smaller, and the paper after it
    simply moves down by the difference."""

    data: str
    module: int  # dots per module
    top: int  # first row of the symbol
    size: int  # dots per side
    ec: str = QR_EC


@dataclass(frozen=True)
class Drawing:
    ink: Image.Image  # mode "1", 1 = a printed dot; the native QR's rows blank
    qr: NativeQr | None = None
    # Row ranges drawn at half height, each row twice (sent once, printed double height).
    tall: tuple[tuple[int, int], ...] = ()

    @property
    def width(self) -> int:
        return self.ink.width

    def full_ink(self) -> Image.Image:
        """The ink with the native QR code drawn where the printer will draw it."""
        if self.qr is None:
            return self.ink
        ink = self.ink.copy()
        ink.paste(qr_matrix(self.qr.data, self.qr.ec).image(self.qr.module),
                  ((self.width - self.qr.size) // 2, self.qr.top))
        return ink

    def picture(self) -> Image.Image:
        """Black (0) on white (1), exactly what comes out of the printer."""
        return ImageChops.invert(self.full_ink())


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    scale: float

    @classmethod
    def of(cls, profile: PrinterProfile) -> Fonts:
        regular = find_cjk_font(profile.font_path)
        return cls(regular, bold_variant(regular), profile.width_dots / BASE_WIDTH)

    def px(self, base: int) -> int:
        return max(MIN_TEXT_PX, round(base * self.scale))

    def path(self, bold: bool) -> str:
        return self.bold if bold else self.regular


def qr_module_dots(width_dots: int, modules: int) -> int:
    """Dots per QR module: 5 on 80 mm paper, 4 on 58 mm, 3 narrower; smaller only
    when a long URL would not fit, never below the scannable 3 (4 on 80 mm)."""
    if width_dots >= PAPER_WIDTHS["80mm"]:
        preferred, minimum = 5, 4
    elif width_dots >= PAPER_WIDTHS["58mm"]:
        preferred, minimum = 4, 3
    else:
        preferred, minimum = 3, 3
    fits = width_dots // (modules + 2 * QR_QUIET_MODULES)
    if fits < minimum:
        raise ValueError(
            f"status URL too long: a {modules}-module QR code does not fit {width_dots} dots"
        )
    return min(preferred, fits)


# ---- text, drawn once per text, font and size ----------------------------------


def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return load_font(path, size)


@functools.lru_cache(maxsize=8192)
def _advance(path: str, size: int, char: str) -> float:
    return _font(path, size).getlength(char)


def _length(path: str, size: int, text: str) -> float:
    """The width of ``text`` as :func:`_compose` sets it: the characters' advances."""
    return sum(_advance(path, size, char) for char in text)


def _measure(path: str, size: int) -> Callable[[str], float]:
    return functools.partial(_length, path, size)


@functools.lru_cache(maxsize=1024)
def _wrapped(path: str, size: int, text: str, limit: int, max_lines: int) -> tuple[str, ...]:
    return tuple(wrap(text, _measure(path, size), limit, max_lines=max_lines))


@functools.lru_cache(maxsize=8192)
def _glyph(path: str, size: int, char: str, tall: bool) -> tuple[Image.Image | None, int, float]:
    """One character's ink in the line box (``tall``: at half height), the offset of
    its ink from the pen position, and its advance. Characters repeat from line to
    line and ticket to ticket; FreeType draws each once."""
    font = _font(path, size)
    advance = _advance(path, size, char)
    left, _top, right, _bottom = font.getbbox(char, anchor="ls")
    if right <= left:
        return None, 0, advance
    ascent = math.ceil(ASCENT * size)
    canvas = Image.new("L", (right - left + 1, ascent + math.ceil(DESCENT * size)), 0)
    ImageDraw.Draw(canvas).text((-left, ascent), char, font=font, fill=255, anchor="ls")
    if tall:
        canvas = canvas.resize((canvas.width, max(1, canvas.height // 2)), Image.Resampling.BOX)
    return canvas.point(_THRESHOLD, "1"), left, advance


def _compose(path: str, size: int, text: str, tall: bool) -> Image.Image:
    """A line from cached glyphs: pen positions add up the advances (no kerning: the
    CJK faces have none worth drawing on thermal paper)."""
    height = math.ceil(ASCENT * size) + math.ceil(DESCENT * size)
    if tall:
        height = max(1, height // 2)
    glyphs = [_glyph(path, size, char, tall) for char in text]
    width = math.ceil(sum(advance for _ink, _left, advance in glyphs)) + 2
    line = Image.new("1", (max(1, width), height), 0)
    pen = 1.0
    for ink, left, advance in glyphs:
        if ink is not None:
            line.paste(255, (round(pen) + left, 0), ink)
        pen += advance
    return line


@functools.lru_cache(maxsize=2048)
def _text(path: str, size: int, text: str) -> Image.Image:
    """One line in a box of ``(ASCENT + DESCENT) * size`` rows, ink = 1."""
    return _compose(path, size, text, tall=False)


@functools.lru_cache(maxsize=512)
def _tight_text(path: str, size: int, text: str) -> Image.Image:
    """One line cropped to its ink."""
    line = _text(path, size, text)
    box = line.getbbox()
    return line if box is None else line.crop((0, box[1], line.width, box[3]))


@functools.lru_cache(maxsize=512)
def _tall_text(path: str, size: int, text: str) -> Image.Image:
    """The big number cropped to its ink, drawn at half the height with every row
    doubled: the printer prints it double height (``GS v 0`` mode 2) from half the
    bytes, and on 203-dpi paper a 12 mm glyph looks the same."""
    line = _compose(path, size, text, tall=True)
    box = line.getbbox()
    if box is not None:
        line = line.crop((0, box[1], line.width, box[3]))
    return line.resize((line.width, 2 * line.height), Image.Resampling.NEAREST)


@functools.lru_cache(maxsize=256)
def _badge(path: str, size: int, text: str) -> Image.Image:
    """White text on a black band."""
    line = _tight_text(path, size, text)
    pad = max(3, size // 5)
    band = Image.new("1", (line.width + 4 * pad, line.height + 2 * pad), 255)
    band.paste(0, (2 * pad, pad), line)
    return band


@functools.lru_cache(maxsize=256)
def _big_size(path: str, text: str, start: int, limit: int) -> int:
    size = start
    while size > MIN_TEXT_PX and _length(path, size, text) > limit:
        size -= 4
    return size


# ---- the layout -----------------------------------------------------------------


@dataclass
class _Column:
    """Images stacked top to bottom, each centred unless placed."""

    width: int
    y: int = 0
    placed: list[tuple[Image.Image, int, int]] = field(default_factory=list)
    tall: list[tuple[int, int]] = field(default_factory=list)

    def gap(self, rows: int) -> None:
        self.y += rows

    def put(self, image: Image.Image, x: int | None = None, y: int | None = None) -> None:
        self.placed.append((image, (self.width - image.width) // 2 if x is None else x,
                            self.y if y is None else y))

    def line(self, image: Image.Image, *, tall: bool = False) -> None:
        if tall:
            self.tall.append((self.y, self.y + image.height))
        self.put(image)
        self.y += image.height

    def rule(self, thickness: int, margin: int) -> None:
        self.put(Image.new("1", (self.width - 2 * margin, thickness), 255), margin)
        self.y += thickness

    def ink(self) -> Image.Image:
        canvas = Image.new("1", (self.width, self.y), 0)
        for image, x, y in self.placed:
            canvas.paste(image, (x, y))
        return canvas


class _Writer:
    """Text lines of one slip on one paper width."""

    def __init__(self, fonts: Fonts, column: _Column, limit: int) -> None:
        self.fonts = fonts
        self.column = column
        self.limit = limit

    def image(self, text: str, base: int, bold: bool = False) -> Image.Image:
        return _text(self.fonts.path(bold), self.fonts.px(base), text)

    def fits(self, text: str, base: int, width: int, bold: bool = False) -> bool:
        return _length(self.fonts.path(bold), self.fonts.px(base), text) <= width

    def lines(self, text: str | None, base: int, *, bold: bool = False, max_lines: int = 2) -> None:
        if not text:
            return
        path, size = self.fonts.path(bold), self.fonts.px(base)
        for line in _wrapped(path, size, text, self.limit, max_lines):
            self.column.line(_text(path, size, line))


def _head(writer: _Writer, slip: Slip, margin: int) -> None:
    """The label (and badge) over the big number: the first thing on the slip."""
    fonts, column = writer.fonts, writer.column
    label = writer.image(slip.big_label, LABEL)
    if slip.badge:
        badge = _badge(fonts.bold, fonts.px(LABEL), slip.badge)
        gap = margin
        total = label.width + gap + badge.width
        left = (column.width - total) // 2
        height = max(label.height, badge.height)
        column.put(label, left, column.y + (height - label.height) // 2)
        column.put(badge, left + label.width + gap, column.y + (height - badge.height) // 2)
        column.gap(height)
    else:
        column.line(label)
    column.gap(margin // 4)
    start = round(slip.big_max_px * max(fonts.scale, 0.8))
    size = _big_size(fonts.bold, slip.big, start, writer.limit)
    column.line(_tall_text(fonts.bold, size, slip.big), tall=True)
    column.gap(margin * 3 // 4)


def _pairs(writer: _Writer, texts: tuple[str, ...], base: int) -> list[str]:
    """Neighbouring lines joined on one line where both fit (stacked layout)."""
    out: list[str] = []
    for text in texts:
        if out and writer.fits(out[-1] + PAIR_SEPARATOR + text, base, writer.limit):
            out[-1] = out[-1] + PAIR_SEPARATOR + text
        else:
            out.append(text)
    return out


def _stacked_qr_block(writer: _Writer, slip: Slip, module: int, size: int,
                      code: Image.Image | None) -> NativeQr | None:
    """The code on rows of its own, its lines above and below: drawn here (``code``)
    or left blank for the printer (the :class:`NativeQr` returned)."""
    column = writer.column
    for text in _pairs(writer, slip.before_qr, BODY):
        writer.lines(text, BODY)
    column.gap(QR_QUIET_ROWS * module)
    qr = None
    if code is None:
        qr = NativeQr(slip.qr_data, module, column.y, size)
    else:
        column.put(code)
    column.gap(size + QR_QUIET_ROWS * module)
    for text in slip.after_qr:
        writer.lines(text, SMALL)
    return qr


def _raster_qr_block(writer: _Writer, slip: Slip, module: int) -> None:
    """The QR code with as many of its lines beside it as fit, the rest below; when
    fewer than two fit, the code on rows of its own."""
    column = writer.column
    code = qr_matrix(slip.qr_data, QR_EC).image(module)
    gap = QR_QUIET_MODULES * module
    room = writer.limit - code.width - gap
    beside: list[Image.Image] = []
    below: list[tuple[str, int]] = []
    height = 0
    for texts, base in ((slip.before_qr, BODY), (slip.after_qr, SMALL)):
        for text in texts:
            image = writer.image(text, base)
            if not below and image.width - 2 <= room and height + image.height <= code.height:
                beside.append(image)
                height += image.height
            else:
                below.append((text, base))
    if len(beside) < 2:
        _stacked_qr_block(writer, slip, module, code.height, code)
        return
    text_width = max(image.width for image in beside)
    total = code.width + gap + text_width
    left = (column.width - total) // 2
    column.gap(QR_QUIET_ROWS * module)
    column.put(code, left)
    y = column.y + (code.height - height) // 2
    for image in beside:
        column.put(image, left + code.width + gap, y)
        y += image.height
    column.gap(code.height + QR_QUIET_ROWS * module)
    for text, base in below:
        writer.lines(text, base)


def draw_slip(slip: Slip, profile: PrinterProfile) -> Drawing:
    """Lay ``slip`` out for ``profile``: a :class:`Drawing` exactly ``width_dots`` wide.

    Raises :class:`~hardware.errors.FontNotFoundError` when no CJK font exists and
    ``ValueError`` when the QR data is too long for this paper.
    """
    width = profile.width_dots
    fonts = Fonts.of(profile)
    margin = max(8, round(16 * fonts.scale))
    limit = width - 2 * margin
    column = _Column(width)
    writer = _Writer(fonts, column, limit)

    column.gap(margin // 2)
    _head(writer, slip, margin)
    writer.lines(slip.title, TITLE, bold=True)
    writer.lines(slip.subtitle, SMALL)
    column.gap(margin // 2)
    column.rule(2, margin)
    column.gap(margin // 2)
    writer.lines(slip.subject, SUBJECT, bold=True)
    writer.lines(slip.detail, BODY)
    writer.lines(slip.emphasis, EMPHASIS, bold=True)

    modules = qr_size(slip.qr_data, QR_EC)
    module = qr_module_dots(width, modules)
    qr = None
    if profile.native_qr:
        qr = _stacked_qr_block(writer, slip, module, modules * module, None)
    else:
        _raster_qr_block(writer, slip, module)

    small_path, small_px = fonts.path(False), fonts.px(SMALL)
    for fit in slip.tail:
        text = fit(_measure(small_path, small_px), limit)
        if text:
            column.line(_text(small_path, small_px, text))
    if slip.footer:
        column.gap(margin // 4)
        writer.lines(slip.footer, SMALL, max_lines=3)
    column.gap(margin // 2)
    return Drawing(column.ink(), qr, tuple(column.tall))

