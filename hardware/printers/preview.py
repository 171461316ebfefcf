"""The printer used when none is configured: files on disk instead of paper."""

from __future__ import annotations

import re
from pathlib import Path

from hardware.escpos_encode import encode_ticket, parse_raster
from hardware.layout import render_ticket
from hardware.printers.base import Printer
from hardware.receipt import ReceiptContent, encode_receipt
from hardware.status import PrinterStatus
from hardware.ticket import PrinterProfile, TicketContent

UNSAFE_FILENAME_CHARS = re.compile(r"[^A-Za-z0-9_-]")


class PreviewPrinter(Printer):
    """Writes each ticket's exact bytes to ``<dir>/<stamp>-<number>.bin`` and a
    picture of it beside them (``.png``).

    ``stamp`` is the ticket's issue time (``YYYYmmdd-HHMMSS``). The PNG is decoded
    back from the raster bytes in raster mode (a native QR code drawn from its
    ``GS ( k`` commands), so it shows what a printer would print; in text mode it is
    the raster rendering of the same ticket.
    ``last_files`` holds the paths written for the latest ticket. Its status is
    always known and fine.
    """

    def __init__(self, directory: str | Path, profile: PrinterProfile | None = None) -> None:
        super().__init__(profile)
        self.directory = Path(directory)
        self.last_files: tuple[Path, ...] = ()
        self._raw_count = 0

    def open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        super().open()

    def _free_stem(self, stem: str) -> Path:
        """``stem``, or ``stem-2``, ``stem-3``... when a reprint would overwrite it."""
        candidate, count = stem, 1
        while (self.directory / f"{candidate}.bin").exists():
            count += 1
            candidate = f"{stem}-{count}"
        return self.directory / candidate

    def print_ticket(self, content: TicketContent) -> None:
        self.open()
        data = encode_ticket(content, self.profile)
        number = UNSAFE_FILENAME_CHARS.sub("_", content.number) or "ticket"
        base = self._free_stem(f"{content.issued_at:%Y%m%d-%H%M%S}-{number}")
        image = (
            parse_raster(data, self.profile.width_dots)
            if self.profile.mode == "raster"
            else render_ticket(content, self.profile)
        )
        bin_path, png_path = base.with_suffix(".bin"), base.with_suffix(".png")
        bin_path.write_bytes(data)
        image.save(png_path)
        self.last_files = (bin_path, png_path)

    def print_receipt(self, content: ReceiptContent) -> None:
        """An acceptance receipt: ``receipt-<case no>.bin`` and ``.png``."""
        self.open()
        data = encode_receipt(content, self.profile)
        base = self._free_stem("receipt-" + (UNSAFE_FILENAME_CHARS.sub("_", content.case_no) or "case"))
        bin_path, png_path = base.with_suffix(".bin"), base.with_suffix(".png")
        bin_path.write_bytes(data)
        parse_raster(data, self.profile.width_dots).save(png_path)
        self.last_files = (bin_path, png_path)

    def _write(self, data: bytes) -> None:
        """Raw bytes not from a ticket (none are sent today) go to ``raw-NNNN.bin``."""
        self.open()
        self._raw_count += 1
        path = self._free_stem(f"raw-{self._raw_count:04d}").with_suffix(".bin")
        path.write_bytes(data)
        self.last_files = (path,)

    def status(self) -> PrinterStatus:
        return PrinterStatus(
            known=True, online=True, paper_out=False, paper_near_end=False, cover_open=False
        )

    def describe(self) -> str:
        return f"preview printer writing to {self.directory}"
