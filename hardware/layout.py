"""A queue ticket as a slip (pure: Pillow and qrcode, no I/O but font files).

The picture is exactly ``profile.width_dots`` wide, black = 0, white = 255 (Pillow's
mode "1"), and the same content and font always give the same pixels, so tests
compare it against checked-in goldens. The drawing itself is ``hardware.sheet``,
shared with the acceptance receipt.
"""

from __future__ import annotations

from PIL import Image

from hardware.fonts import find_cjk_font
from hardware.sheet import Drawing, Slip, draw_slip, qr_module_dots
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
)

__all__ = [
    "PAPER_WIDTHS",
    "PrinterProfile",
    "TicketContent",
    "TicketLabels",
    "draw_ticket",
    "find_cjk_font",
    "qr_module_dots",
    "render_ticket",
    "ticket_slip",
]


def ticket_slip(content: TicketContent) -> Slip:
    """The ticket's parts in the slip's order: the number first."""
    wait = wait_text(content)
    return Slip(
        big_label=content.number_label,
        big=content.number,
        badge=content.priority_label,
        title=content.center_name,
        subtitle=content.header,
        subject=content.matter_name,
        detail=content.unit_name or None,
        emphasis=windows_text(content),
        before_qr=(ahead_text(content),) + ((wait,) if wait else ()),
        qr_data=content.status_url,
        after_qr=(content.labels.scan_hint, issued_text(content)),
        tail=(lambda measure, limit: materials_text(content, measure, limit),),
        footer=content.footer,
    )


def draw_ticket(content: TicketContent, profile: PrinterProfile) -> Drawing:
    """The ticket as ink, with the native QR code's place when the printer draws it."""
    return draw_slip(ticket_slip(content), profile)


def render_ticket(content: TicketContent, profile: PrinterProfile) -> Image.Image:
    """Draw ``content`` as a 1-bit picture exactly ``profile.width_dots`` wide, the QR
    code included whoever draws it.

    Raises :class:`~hardware.errors.FontNotFoundError` when no CJK font exists and
    ``ValueError`` when the status URL is too long for a QR code on this paper.
    """
    return draw_ticket(content, profile).picture()
