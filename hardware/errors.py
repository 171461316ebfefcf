"""Errors raised by the hardware package.

Every error descends from :class:`HardwareError`, so a caller (the kiosk agent) can
catch one type and show "printer unavailable" without knowing which backend failed.
"""

from __future__ import annotations


class HardwareError(Exception):
    """Base of every error raised by ``hardware``."""


class PrinterError(HardwareError):
    """A ticket could not be printed, or a printer could not be used."""


class PrinterOfflineError(PrinterError):
    """The printer cannot be reached: no connection, no device, or no answer."""


class PaperOutError(PrinterError):
    """The printer answered that its paper roll is empty."""


class PrinterConfigError(PrinterError):
    """A printer spec string or profile option is invalid, or a backend dependency is missing."""


class FontNotFoundError(HardwareError):
    """No font able to draw Chinese text was found for raster printing."""
