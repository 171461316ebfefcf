"""Printers on USB, through python-escpos's ``Usb`` class (needs pyusb and libusb)."""

from __future__ import annotations

from typing import Any

from hardware.errors import PrinterConfigError, PrinterError, PrinterOfflineError
from hardware.escpos_encode import STATUS_QUERIES, parse_status_reply, status_query
from hardware.printers.base import Printer
from hardware.status import PrinterStatus
from hardware.ticket import PrinterProfile

DEFAULT_IN_EP = 0x82
DEFAULT_OUT_EP = 0x01


class UsbPrinter(Printer):
    """An ESC/POS printer found by USB vendor and product id (see ``lsusb``).

    ``in_ep``/``out_ep`` are the bulk endpoints (``lsusb -v`` lists them).
    python-escpos claims interface 0, which is the printer interface on every
    ticket printer seen so far. Non-root access needs a udev rule (docs/printers.md).
    Blocking; call it off the request greenlet.
    """

    def __init__(
        self,
        vendor_id: int,
        product_id: int,
        profile: PrinterProfile | None = None,
        *,
        in_ep: int = DEFAULT_IN_EP,
        out_ep: int = DEFAULT_OUT_EP,
        timeout_ms: int = 10_000,
    ) -> None:
        super().__init__(profile)
        self.vendor_id = vendor_id
        self.product_id = product_id
        self.in_ep = in_ep
        self.out_ep = out_ep
        self.timeout_ms = timeout_ms
        self._device: Any = None

    def open(self) -> None:
        from escpos.exceptions import DeviceNotFoundError
        from escpos.printer import Usb

        if not Usb.is_usable():
            raise PrinterConfigError("USB printers need pyusb and libusb: pip install pyusb")
        if self._device is None:
            device = Usb(
                self.vendor_id,
                self.product_id,
                timeout=self.timeout_ms,
                in_ep=self.in_ep,
                out_ep=self.out_ep,
            )
            try:
                device.open()
            except DeviceNotFoundError as exc:
                raise PrinterOfflineError(f"cannot open {self.describe()}: {exc}") from exc
            self._device = device
        super().open()

    def close(self) -> None:
        device, self._device = self._device, None
        if device is not None:
            try:
                device.close()
            except Exception:  # releasing a device that vanished is not worth failing for
                pass
        super().close()

    def _write(self, data: bytes) -> None:
        if self._device is None:
            raise PrinterError(f"{self.describe()} is not open; call open() or use `with`")
        try:
            self._device._raw(data)
        except Exception as exc:  # pyusb's USBError / USBTimeoutError
            raise PrinterOfflineError(f"writing to {self.describe()} failed: {exc}") from exc

    def status(self) -> PrinterStatus:
        """The printer's answer to DLE EOT 1/2/4 on the IN endpoint, else unknown."""
        if self._device is None:
            return PrinterStatus(known=False, error=f"{self.describe()} is not open")
        try:
            self._device._raw(status_query())
            reply = b""
            for _ in STATUS_QUERIES:
                reply += bytes(self._device._read())
                if len(reply) >= len(STATUS_QUERIES):
                    break
        except Exception as exc:  # a read timeout means the printer did not answer
            return PrinterStatus(known=False, online=False, error=f"no reply: {exc}")
        return parse_status_reply(reply)

    def describe(self) -> str:
        return f"USB printer {self.vendor_id:04x}:{self.product_id:04x}"
