"""Drawing a ticket into a 1-bit image (pure: Pillow and qrcode, no I/O but font files).

The image is exactly ``profile.width_dots`` wide, black = 0, white = 255 (Pillow's
mode "1"), and the same content and font always give the same pixels, so tests
compare it against checked-in goldens.
"""

from __future__ import annotations

from dataclasses import dataclass

import qrcode
from PIL import Image, ImageDraw, ImageFont

from hardware.fonts import bold_variant, find_cjk_font, load_font
from hardware.ticket import (
    PAPER_WIDTHS,
    PrinterProfile,
    TicketContent,
    TicketLabels,
    ahead_text,
    issued_text,
    materials_text,
    wait_text,
    windows_text,
    wrap,
)

__all__ = [
    "PAPER_WIDTHS",
    "PrinterProfile",
    "TicketContent",
    "TicketLabels",
    "find_cjk_font",
    "qr_module_dots",
    "render_ticket",
]

BLACK = 0
WHITE = 255
THRESHOLD = 128  # anti-aliased grey >= this becomes white
QR_QUIET_MODULES = 4  # the blank border a scanner needs around the code
BASE_WIDTH = 576  # sizes below are in dots at 80 mm and scaled for other widths
MIN_TEXT_PX = 20  # smaller Chinese is hard to read on thermal paper


@dataclass(frozen=True)
class _Fonts:
    regular: str
    bold: str
    scale: float

    def get(self, base_px: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
        size = max(MIN_TEXT_PX, round(base_px * self.scale))
        return load_font(self.bold if bold else self.regular, size)


def qr_module_dots(width_dots: int, modules: int) -> int:
    """Dots per QR module: as big as ~42 % of the paper allows, never below the
    scannable minimum (4 dots on 80 mm, 3 on narrower paper)."""
    minimum = 4 if width_dots >= PAPER_WIDTHS["80mm"] else 3
    preferred = int(width_dots * 0.42) // modules
    fits = width_dots // (modules + 2 * QR_QUIET_MODULES)
    if fits < minimum:
        raise ValueError(
            f"status URL too long: a {modules}-module QR code does not fit {width_dots} dots"
        )
    return min(max(minimum, preferred), fits)


def _qr_matrix(url: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(url)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    return matrix


class _Sheet:
    """A growing column of blocks, each one full width, stacked top to bottom."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.blocks: list[Image.Image] = []

    def gap(self, height: int) -> None:
        self.blocks.append(Image.new("L", (self.width, height), WHITE))

    def rule(self, thickness: int, margin: int) -> None:
        block = Image.new("L", (self.width, thickness), WHITE)
        ImageDraw.Draw(block).rectangle((margin, 0, self.width - margin - 1, thickness - 1), BLACK)
        self.blocks.append(block)

    def text(self, line: str, font: ImageFont.FreeTypeFont, *, inverted: bool = False) -> None:
        """One centred line; ``inverted`` draws white on a black band (priority labels)."""
        ascent, descent = font.getmetrics()
        pad = ascent // 5 if inverted else 0
        block = Image.new("L", (self.width, ascent + descent + 2 * pad), WHITE)
        draw = ImageDraw.Draw(block)
        length = round(font.getlength(line))
        left = (self.width - length) // 2
        if inverted:
            draw.rectangle(
                (left - 2 * pad, 0, left + length + 2 * pad - 1, block.height - 1), BLACK
            )
        draw.text((left, pad), line, font=font, fill=WHITE if inverted else BLACK, anchor="la")
        self.blocks.append(block)

    def tight_text(self, line: str, font: ImageFont.FreeTypeFont, pad: int) -> None:
        """One centred line cropped to its ink, for the huge number (no tall line gap)."""
        _left, top, _right, bottom = font.getbbox(line, anchor="la")
        block = Image.new("L", (self.width, round(bottom - top) + 2 * pad), WHITE)
        left = (self.width - round(font.getlength(line))) // 2
        ImageDraw.Draw(block).text(
            (left, pad - round(top)), line, font=font, fill=BLACK, anchor="la"
        )
        self.blocks.append(block)

    def lines(self, lines: list[str], font: ImageFont.FreeTypeFont) -> None:
        for line in lines:
            self.text(line, font)

    def qr(self, matrix: list[list[bool]], module: int) -> None:
        size = len(matrix) * module
        block = Image.new("L", (self.width, size + 2 * QR_QUIET_MODULES * module), WHITE)
        draw = ImageDraw.Draw(block)
        left = (self.width - size) // 2
        top = QR_QUIET_MODULES * module
        for row, cells in enumerate(matrix):
            for col, dark in enumerate(cells):
                if dark:
                    x, y = left + col * module, top + row * module
                    draw.rectangle((x, y, x + module - 1, y + module - 1), BLACK)
        self.blocks.append(block)

    def image(self) -> Image.Image:
        height = sum(block.height for block in self.blocks)
        canvas = Image.new("L", (self.width, height), WHITE)
        y = 0
        for block in self.blocks:
            canvas.paste(block, (0, y))
            y += block.height
        bw = canvas.point(lambda v: WHITE if v >= THRESHOLD else BLACK)
        return bw.convert("1", dither=Image.Dither.NONE)


def _number_font(fonts: _Fonts, number: str, limit: int) -> ImageFont.FreeTypeFont:
    """The ticket number as large as fits the line: the one thing read from afar."""
    font = fonts.get(160, bold=True)
    size = font.size
    while size > MIN_TEXT_PX and font.getlength(number) > limit:
        size -= 4
        font = load_font(fonts.bold, size)
    return font


def render_ticket(content: TicketContent, profile: PrinterProfile) -> Image.Image:
    """Draw ``content`` as a 1-bit image exactly ``profile.width_dots`` wide.

    Raises :class:`~hardware.errors.FontNotFoundError` when no CJK font exists and
    ``ValueError`` when the status URL is too long for a QR code on this paper.
    """
    width = profile.width_dots
    regular = find_cjk_font(profile.font_path)
    fonts = _Fonts(regular, bold_variant(regular), width / BASE_WIDTH)
    margin = max(8, round(16 * fonts.scale))
    limit = width - 2 * margin

    sheet = _Sheet(width)
    sheet.gap(margin)
    if content.header:
        small = fonts.get(24)
        sheet.lines(wrap(content.header, small.getlength, limit, max_lines=2), small)
        sheet.gap(margin // 2)
    title = fonts.get(34, bold=True)
    sheet.lines(wrap(content.center_name, title.getlength, limit, max_lines=2), title)
    sheet.gap(margin // 2)
    sheet.rule(2, margin)
    sheet.gap(margin // 2)

    sheet.text(content.number_label, fonts.get(26))
    sheet.gap(margin // 2)
    sheet.tight_text(content.number, _number_font(fonts, content.number, limit), margin // 2)
    if content.priority_label:
        sheet.gap(margin // 4)
        sheet.text(content.priority_label, fonts.get(30, bold=True), inverted=True)
    sheet.gap(margin // 2)
    sheet.rule(2, margin)
    sheet.gap(margin // 2)

    matter = fonts.get(32, bold=True)
    sheet.lines(wrap(content.matter_name, matter.getlength, limit, max_lines=2), matter)
    body = fonts.get(26)
    sheet.lines(wrap(content.unit_name, body.getlength, limit, max_lines=2), body)
    windows = windows_text(content)
    if windows:
        strong = fonts.get(30, bold=True)
        sheet.lines(wrap(windows, strong.getlength, limit, max_lines=2), strong)
    sheet.gap(margin // 2)
    sheet.text(ahead_text(content), body)
    wait = wait_text(content)
    if wait:
        sheet.text(wait, body)

    matrix = _qr_matrix(content.status_url)
    sheet.qr(matrix, qr_module_dots(width, len(matrix)))
    small = fonts.get(22)
    sheet.text(content.labels.scan_hint, small)
    sheet.text(issued_text(content), small)
    materials = materials_text(content, small.getlength, limit)
    if materials:
        sheet.text(materials, small)
    if content.footer:
        sheet.gap(margin // 2)
        sheet.lines(wrap(content.footer, small.getlength, limit, max_lines=3), small)
    sheet.gap(2 * margin)
    return sheet.image()
