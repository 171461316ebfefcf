"""The acceptance receipt (受理回执) a counter prints when it accepts a case.

It names the case number (read aloud, typed at the kiosk), the matter, the unit, when
it was accepted and when the result is due, and carries a QR code of the case number
alone: the kiosk's "collect a result" screen reads it with a hand scanner. Always drawn
as a raster image (any ESC/POS printer prints it), with the ticket's drawing blocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PIL import Image

from hardware.escpos_encode import INIT, _finish, encode_raster
from hardware.fonts import bold_variant, find_cjk_font
from hardware.layout import BASE_WIDTH, _Fonts, _number_font, _qr_matrix, _Sheet, qr_module_dots
from hardware.ticket import PrinterProfile, wrap


@dataclass(frozen=True)
class ReceiptLabels:
    title: str = "受理回执"
    case_no: str = "办件编号"
    accepted: str = "受理时间 {time}"
    due: str = "承诺办结 {time} 前"
    ticket: str = "取号 {number}"
    scan_hint: str = "取件时请在取号机扫描此码或输入办件编号"


@dataclass(frozen=True)
class ReceiptContent:
    center_name: str
    case_no: str
    matter_name: str
    unit_name: str
    accepted_at: datetime
    due_at: datetime
    number: str
    window_name: str | None = None
    footer: str | None = None
    labels: ReceiptLabels = ReceiptLabels()


def _fill(template: str, **values: str) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def receipt_lines(content: ReceiptContent) -> list[str]:
    """The small lines under the matter, in order (also what a text preview shows)."""
    labels = content.labels
    lines = [_fill(labels.accepted, time=content.accepted_at.strftime("%Y-%m-%d %H:%M")),
             _fill(labels.due, time=content.due_at.strftime("%Y-%m-%d %H:%M")),
             _fill(labels.ticket, number=content.number)
             + (f" · {content.window_name}" if content.window_name else "")]
    return lines


def render_receipt(content: ReceiptContent, profile: PrinterProfile) -> Image.Image:
    """Draw the receipt as a 1-bit image exactly ``profile.width_dots`` wide."""
    width = profile.width_dots
    regular = find_cjk_font(profile.font_path)
    fonts = _Fonts(regular, bold_variant(regular), width / BASE_WIDTH)
    margin = max(8, round(16 * fonts.scale))
    limit = width - 2 * margin
    sheet = _Sheet(width)
    sheet.gap(margin)
    title = fonts.get(34, bold=True)
    sheet.lines(wrap(content.center_name, title.getlength, limit, max_lines=2), title)
    sheet.text(content.labels.title, fonts.get(30, bold=True), inverted=True)
    sheet.gap(margin // 2)
    sheet.rule(2, margin)
    sheet.gap(margin // 2)
    sheet.text(content.labels.case_no, fonts.get(26))
    big = _number_font(fonts, content.case_no, limit)
    sheet.tight_text(content.case_no, fonts.get(min(big.size, 64), bold=True), margin // 2)
    sheet.gap(margin // 2)
    sheet.rule(2, margin)
    sheet.gap(margin // 2)
    matter = fonts.get(32, bold=True)
    sheet.lines(wrap(content.matter_name, matter.getlength, limit, max_lines=2), matter)
    body = fonts.get(26)
    sheet.lines(wrap(content.unit_name, body.getlength, limit, max_lines=2), body)
    sheet.gap(margin // 2)
    for line in receipt_lines(content):
        sheet.text(line, body)
    matrix = _qr_matrix(content.case_no)
    sheet.qr(matrix, qr_module_dots(width, len(matrix)))
    small = fonts.get(22)
    sheet.lines(wrap(content.labels.scan_hint, small.getlength, limit, max_lines=2), small)
    if content.footer:
        sheet.gap(margin // 2)
        sheet.lines(wrap(content.footer, small.getlength, limit, max_lines=3), small)
    sheet.gap(2 * margin)
    return sheet.image()


def encode_receipt(content: ReceiptContent, profile: PrinterProfile) -> bytes:
    """The complete ESC/POS byte stream of one receipt."""
    return INIT + encode_raster(render_receipt(content, profile)) + _finish(profile)
