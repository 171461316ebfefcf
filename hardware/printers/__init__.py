"""Ticket printers: one abstract :class:`Printer`, one small module per backend."""

from hardware.printers.base import Printer
from hardware.printers.factory import printer_from_spec
from hardware.status import PrinterStatus

__all__ = ["Printer", "PrinterStatus", "printer_from_spec"]
