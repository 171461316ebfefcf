"""Printers on a serial line (RS-232 or a USB-serial adapter), through pyserial.

Named ``serial_port`` so that it never shadows pyserial's own ``serial`` package.
"""

from __future__ import annotations

from typing import Any

from hardware.errors import PrinterConfigError, PrinterError, PrinterOfflineError
from hardware.escpos_encode import STATUS_QUERIES, parse_status_reply, status_query
from hardware.printers.base import Printer
from hardware.status import PrinterStatus
from hardware.ticket import PrinterProfile

DEFAULT_BAUDRATE = 19200
DEFAULT_WRITE_TIMEOUT = 10.0


class SerialPrinter(Printer):
    """An ESC/POS printer on ``device`` (8 data bits, no parity, 1 stop bit).

    ``rtscts`` turns on hardware flow control, which most thermal printers want
    for large raster images. Blocking; call it off the request greenlet.
    """

    def __init__(
        self,
        device: str,
        baudrate: int = DEFAULT_BAUDRATE,
        profile: PrinterProfile | None = None,
        *,
        rtscts: bool = False,
        write_timeout: float = DEFAULT_WRITE_TIMEOUT,
        read_timeout: float = 2.0,
    ) -> None:
        super().__init__(profile)
        self.device = device
        self.baudrate = baudrate
        self.rtscts = rtscts
        self.write_timeout = write_timeout
        self.read_timeout = read_timeout
        self._port: Any = None

    def open(self) -> None:
        try:
            import serial  # pyserial, imported here: only serial setups need it
        except ImportError as exc:
            raise PrinterConfigError("serial printers need pyserial: pip install pyserial") from exc
        if self._port is None:
            try:
                self._port = serial.Serial(
                    self.device,
                    self.baudrate,
                    rtscts=self.rtscts,
                    timeout=self.read_timeout,
                    write_timeout=self.write_timeout,
                )
            except (OSError, ValueError, serial.SerialException) as exc:
                raise PrinterOfflineError(f"cannot open {self.describe()}: {exc}") from exc
        super().open()

    def close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            port.close()
        super().close()

    def _write(self, data: bytes) -> None:
        if self._port is None:
            raise PrinterError(f"{self.describe()} is not open; call open() or use `with`")
        try:
            self._port.write(data)
            self._port.flush()
        except Exception as exc:  # pyserial raises SerialException / SerialTimeoutException
            raise PrinterOfflineError(f"writing to {self.describe()} failed: {exc}") from exc

    def status(self) -> PrinterStatus:
        """The printer's answer to DLE EOT 1/2/4 within ``read_timeout``, else unknown."""
        if self._port is None:
            return PrinterStatus(known=False, error=f"{self.describe()} is not open")
        try:
            self._port.reset_input_buffer()
            self._port.write(status_query())
            reply = self._port.read(len(STATUS_QUERIES))
        except Exception as exc:
            return PrinterStatus(known=False, online=False, error=f"status query failed: {exc}")
        return parse_status_reply(bytes(reply))

    def describe(self) -> str:
        return f"serial printer {self.device} at {self.baudrate} baud"
