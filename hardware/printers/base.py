"""The one abstract printer every backend fills in.

A backend implements ``_write(data)`` and, when it can, ``open``/``close``/``status``.
All calls block (sockets, USB, serial, subprocesses): the hub and the kiosk agent
must call :meth:`Printer.print_ticket` and :meth:`Printer.status` off the request
greenlet (for example in gevent's threadpool). This package stays synchronous and
knows nothing about gevent.
"""

from __future__ import annotations

import abc
from types import TracebackType

from hardware.errors import PaperOutError, PrinterOfflineError
from hardware.escpos_encode import encode_ticket
from hardware.receipt import ReceiptContent, encode_receipt
from hardware.status import PrinterStatus
from hardware.ticket import PrinterProfile, TicketContent

__all__ = ["Printer", "PrinterStatus"]


class Printer(abc.ABC):
    """An ESC/POS ticket printer.

    Use it with explicit ``open()``/``close()`` or as a context manager::

        with printer_from_spec("network:192.168.1.50") as printer:
            printer.print_ticket(content)

    ``print_ticket`` and ``status`` block; run them off the request greenlet.
    """

    def __init__(self, profile: PrinterProfile | None = None) -> None:
        self.profile = profile or PrinterProfile()
        self.is_open = False

    def open(self) -> None:
        """Acquire the device or connection. Backends that need one override this."""
        self.is_open = True

    def close(self) -> None:
        """Release the device or connection; safe to call twice."""
        self.is_open = False

    def __enter__(self) -> Printer:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @abc.abstractmethod
    def _write(self, data: bytes) -> None:
        """Send raw bytes to the printer (blocking); raise a PrinterError on failure."""

    def print_ticket(self, content: TicketContent) -> None:
        """Encode ``content`` with this printer's profile and send it (blocking).

        Raises :class:`~hardware.errors.PrinterError` subclasses, and
        :class:`~hardware.errors.FontNotFoundError` in raster mode without a CJK font.
        """
        self._write(encode_ticket(content, self.profile))

    def print_receipt(self, content: ReceiptContent) -> None:
        """Encode an acceptance receipt (always raster) and send it (blocking)."""
        self._write(encode_receipt(content, self.profile))

    def status(self) -> PrinterStatus:
        """Ask the printer how it is (blocking). This default knows nothing: a backend
        that cannot ask never claims the printer is fine."""
        return PrinterStatus(known=False, error="this printer cannot report its status")

    def check_ready(self) -> PrinterStatus:
        """Ask for the status and raise if the printer said it cannot print (blocking).

        Raises :class:`~hardware.errors.PaperOutError` when it reports no paper and
        :class:`~hardware.errors.PrinterOfflineError` when it reports offline or a
        cover open. An unknown status (no answer) is returned, not raised: many
        printers never answer, and the caller decides whether to try anyway.
        """
        status = self.status()
        if status.known and status.paper_out:
            raise PaperOutError(f"{self.describe()}: paper out")
        if status.known and not status.ok:
            raise PrinterOfflineError(f"{self.describe()}: {status.error or 'offline'}")
        return status

    def describe(self) -> str:
        """A short human-readable name, for logs and the admin page."""
        return f"{type(self).__name__} ({self.profile.width_dots} dots, {self.profile.mode})"
