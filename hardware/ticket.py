"""What a ticket says and how a printer is set up: plain values, no drawing.

The texts on a ticket come from the caller already translated (Chinese by default);
this module only fills numbers into them, so the raster and text layouts print the
same words.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from hardware.errors import PrinterConfigError

PAPER_WIDTHS: dict[str, int] = {"80mm": 576, "58mm": 384}
MODES: tuple[str, ...] = ("raster", "text")
QR_MODES: tuple[str, ...] = ("auto", "native", "raster")
ELLIPSIS = "…"


@dataclass(frozen=True)
class TicketLabels:
    """Translated fixed texts of a ticket; ``{name}`` marks where a value goes."""

    windows: str = "请到 {windows} 办理"
    windows_separator: str = "、"
    ahead: str = "前面还有 {ahead} 人等候"
    wait: str = "预计等待约 {minutes} 分钟"
    issued: str = "取号时间 {time}"
    materials: str = "请携带：{materials}"
    materials_separator: str = "、"
    materials_more: str = "等{count}项"
    scan_hint: str = "扫码查看排队进度"


@dataclass(frozen=True)
class TicketContent:
    """Everything printed on one queue ticket."""

    center_name: str
    number: str
    matter_name: str
    unit_name: str
    windows: tuple[str, ...]
    ahead: int
    estimated_wait_s: int | None
    issued_at: datetime
    status_url: str
    materials: tuple[str, ...] = ()
    header: str | None = None
    footer: str | None = None
    priority_label: str | None = None
    number_label: str = "您的号码"
    labels: TicketLabels = field(default_factory=TicketLabels)


@dataclass(frozen=True)
class PrinterProfile:
    """How tickets are laid out for one printer.

    ``width_dots`` is the printable width: 576 for 80 mm paper, 384 for 58 mm.
    ``mode`` is ``"raster"`` (every text drawn into an image with a CJK font: works
    on any ESC/POS printer) or ``"text"`` (GB18030 text in the printer's resident
    Chinese font and the printer's own QR command: smaller and faster, needs a
    Chinese-capable printer). ``font_path`` None means :func:`find_cjk_font` picks one.
    ``qr`` says who draws the QR code in raster mode: ``"native"`` the printer
    (``GS ( k``: a few dozen bytes instead of kilobytes), ``"raster"`` Yimen (for
    printers without the command), ``"auto"`` native on 80 mm paper and wider (where
    printers have it), raster on narrower paper. Text mode always prints it natively.
    ``trim`` sends each raster band only as wide as its ink, centred by the printer
    (``ESC a 1``); ``False`` sends every band full width, for a printer that does not
    centre raster images.
    """

    width_dots: int = 576
    mode: str = "raster"
    font_path: str | None = None
    cut: bool = True
    qr: str = "auto"
    trim: bool = True

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise PrinterConfigError(
                f"unknown printer mode {self.mode!r}; accepted: {', '.join(MODES)}"
            )
        if self.qr not in QR_MODES:
            raise PrinterConfigError(
                f"unknown QR setting {self.qr!r}; accepted: {', '.join(QR_MODES)}"
            )
        if self.width_dots % 8 or not 128 <= self.width_dots <= 1024:
            raise PrinterConfigError(
                f"width_dots must be a multiple of 8 between 128 and 1024, got {self.width_dots}"
                f" (80mm paper = {PAPER_WIDTHS['80mm']}, 58mm = {PAPER_WIDTHS['58mm']})"
            )


    @property
    def native_qr(self) -> bool:
        """Whether the printer draws the QR code itself (``GS ( k``)."""
        if self.mode == "text" or self.qr == "native":
            return True
        return self.qr == "auto" and self.width_dots >= PAPER_WIDTHS["80mm"]


def fill(template: str, **values: str) -> str:
    """Replace ``{name}`` markers literally (no ``str.format``: labels are data)."""
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def windows_text(content: TicketContent) -> str | None:
    if not content.windows:
        return None
    joined = content.labels.windows_separator.join(content.windows)
    return fill(content.labels.windows, windows=joined)


def ahead_text(content: TicketContent) -> str:
    return fill(content.labels.ahead, ahead=str(max(0, content.ahead)))


def wait_minutes(estimated_wait_s: int) -> int:
    """Whole minutes shown for an estimate: rounded up, and never "0 minutes"."""
    return max(1, math.ceil(estimated_wait_s / 60))


def wait_text(content: TicketContent) -> str | None:
    if content.estimated_wait_s is None:
        return None
    return fill(content.labels.wait, minutes=str(wait_minutes(content.estimated_wait_s)))


def issued_text(content: TicketContent) -> str:
    return fill(content.labels.issued, time=content.issued_at.strftime("%Y-%m-%d %H:%M"))


def materials_text(
    content: TicketContent, measure: Callable[[str], float], limit: float
) -> str | None:
    """The materials as one line no wider than ``limit``.

    Whole items are dropped from the end first (``身份证、户口簿等5项``); only when even
    one item is too long is that item cut with an ellipsis.
    """
    items = [item.strip() for item in content.materials if item.strip()]
    if not items:
        return None
    labels = content.labels
    total = len(items)
    for kept in range(total, 0, -1):
        more = "" if kept == total else fill(labels.materials_more, count=str(total))
        line = fill(
            labels.materials, materials=labels.materials_separator.join(items[:kept]) + more
        )
        if measure(line) <= limit:
            return line
    more = "" if total == 1 else fill(labels.materials_more, count=str(total))
    first = items[0]
    while first:
        first = first[:-1]
        line = fill(labels.materials, materials=first + ELLIPSIS + more)
        if measure(line) <= limit:
            return line
    return None


def text_columns(text: str) -> int:
    """Width of ``text`` in half-width printer columns (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def split_tokens(text: str) -> list[str]:
    """Break points for wrapping: each CJK character alone, Latin words kept whole."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if ch == " " or unicodedata.east_asian_width(ch) in "WF":
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        else:
            word += ch
    if word:
        tokens.append(word)
    return tokens


def wrap(
    text: str, measure: Callable[[str], float], limit: float, max_lines: int | None = None
) -> list[str]:
    """Greedy line wrapping by measured width; the last allowed line ends in an ellipsis."""
    lines: list[str] = []
    current = ""
    for token in split_tokens(" ".join(text.split())):
        candidate = current + token
        if measure(candidate) <= limit or not current:
            current = candidate
        else:
            lines.append(current.rstrip())
            current = token.lstrip()
        while measure(current) > limit and len(current) > 1:
            # A single word wider than the line: break it by characters.
            cut = len(current) - 1
            while cut > 1 and measure(current[:cut]) > limit:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    if current.strip():
        lines.append(current.rstrip())
    if max_lines is not None and len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and measure(last + ELLIPSIS) > limit:
            last = last[:-1]
        lines = lines[: max_lines - 1] + [last.rstrip() + ELLIPSIS]
    return lines
