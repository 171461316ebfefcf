"""The acceptance receipt (受理回执) a counter prints when it accepts a case.

It names the case number (read aloud, typed at the kiosk), the matter, the unit, when
it was accepted and when the result is due, and carries a QR code of the case number
alone: the kiosk's "collect a result" screen reads it with a hand scanner. It is a
slip like the ticket (``hardware.sheet``): the case number first, the QR code beside
the dates, drawn by the printer where the profile says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PIL import Image

from hardware.escpos_encode import encode_drawing
from hardware.sheet import Drawing, Slip, draw_slip
from hardware.ticket import PrinterProfile, fill

CASE_NO_MAX_PX = 64  # a case number is long; the ticket number gets the big size


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


def receipt_lines(content: ReceiptContent) -> list[str]:
    """The small lines under the matter, in order (also what a text preview shows)."""
    labels = content.labels
    return [fill(labels.accepted, time=content.accepted_at.strftime("%Y-%m-%d %H:%M")),
            fill(labels.due, time=content.due_at.strftime("%Y-%m-%d %H:%M")),
            fill(labels.ticket, number=content.number)
            + (f" · {content.window_name}" if content.window_name else "")]


def receipt_slip(content: ReceiptContent) -> Slip:
    return Slip(
        big_label=content.labels.case_no,
        big=content.case_no,
        badge=content.labels.title,
        title=content.center_name,
        subject=content.matter_name,
        detail=content.unit_name or None,
        before_qr=tuple(receipt_lines(content)),
        qr_data=content.case_no,
        after_qr=(content.labels.scan_hint,),
        footer=content.footer,
        big_max_px=CASE_NO_MAX_PX,
    )


def draw_receipt(content: ReceiptContent, profile: PrinterProfile) -> Drawing:
    return draw_slip(receipt_slip(content), profile)


def render_receipt(content: ReceiptContent, profile: PrinterProfile) -> Image.Image:
    """Draw the receipt as a 1-bit picture exactly ``profile.width_dots`` wide."""
    return draw_receipt(content, profile).picture()


def encode_receipt(content: ReceiptContent, profile: PrinterProfile) -> bytes:
    """The complete ESC/POS byte stream of one receipt (always raster: a receipt
    printer needs no Chinese font)."""
    return encode_drawing(draw_receipt(content, profile), profile)
