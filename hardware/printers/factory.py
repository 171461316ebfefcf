"""Building a printer from one configuration string.

Forms (``[...]`` is optional)::

    usb:VENDOR:PRODUCT[:IN_EP:OUT_EP]    usb:0x0416:0x5011  (hex, as lsusb shows them)
    serial:DEVICE[:BAUD]                 serial:/dev/ttyUSB0:19200
    network:HOST[:PORT]                  network:192.168.1.50:9100, network:[fe80::1]
    cups:QUEUE                           cups:TicketPrinter
    preview[:DIR]                        preview:var/tickets  (the default)

followed by options after ``?``, joined by ``&``: ``width=58mm|80mm|<dots>``,
``mode=raster|text``, ``qr=auto|native|raster``, ``trim=yes|no``, ``font=/path/to/font.ttc``,
``cut=yes|no``,
``timeout=SECONDS`` (network, serial, USB), ``rtscts=yes|no`` (serial).
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import parse_qsl

from hardware.errors import PrinterConfigError
from hardware.printers.base import Printer
from hardware.printers.cups import CupsPrinter
from hardware.printers.network import DEFAULT_PORT, NetworkPrinter
from hardware.printers.preview import PreviewPrinter
from hardware.printers.serial_port import DEFAULT_BAUDRATE, DEFAULT_WRITE_TIMEOUT, SerialPrinter
from hardware.printers.usb import UsbPrinter
from hardware.ticket import MODES, PAPER_WIDTHS, QR_MODES, PrinterProfile

DEFAULT_SPEC = "preview:var/tickets"
ACCEPTED_FORMS = (
    "usb:VENDOR:PRODUCT[:IN_EP:OUT_EP] (hex ids, e.g. usb:0x0416:0x5011), "
    "serial:DEVICE[:BAUD] (e.g. serial:/dev/ttyUSB0:19200), "
    "network:HOST[:PORT] (e.g. network:192.168.1.50:9100), "
    "cups:QUEUE, preview[:DIR] (e.g. preview:var/tickets); "
    "options after '?': width=58mm|80mm|DOTS, mode=raster|text, qr=auto|native|raster, "
    "trim=yes|no, font=PATH, cut=yes|no, "
    "timeout=SECONDS, rtscts=yes|no"
)
BOOLEANS = {
    "1": True,
    "yes": True,
    "true": True,
    "on": True,
    "0": False,
    "no": False,
    "false": False,
    "off": False,
}


def _bad(spec: str, reason: str) -> PrinterConfigError:
    return PrinterConfigError(
        f"bad printer spec {spec!r}: {reason}. Accepted forms: {ACCEPTED_FORMS}"
    )


def _hex_id(spec: str, what: str, text: str, limit: int) -> int:
    try:
        value = int(text, 16)
    except ValueError:
        raise _bad(spec, f"{what} {text!r} is not a hexadecimal number") from None
    if not 0 <= value <= limit:
        raise _bad(spec, f"{what} {text!r} is out of range")
    return value


def _int(spec: str, what: str, text: str, low: int, high: int) -> int:
    if not text.isdigit() or not low <= int(text) <= high:
        raise _bad(spec, f"{what} {text!r} must be a whole number from {low} to {high}")
    return int(text)


def _profile(spec: str, base: PrinterProfile, options: dict[str, str]) -> PrinterProfile:
    changes: dict[str, Any] = {}
    if "width" in options:
        width = options["width"].lower()
        if width in PAPER_WIDTHS:
            changes["width_dots"] = PAPER_WIDTHS[width]
        else:
            changes["width_dots"] = _int(spec, "width", width, 128, 1024)
    if "mode" in options:
        if options["mode"] not in MODES:
            raise _bad(spec, f"mode must be one of {', '.join(MODES)}")
        changes["mode"] = options["mode"]
    if "qr" in options:
        if options["qr"] not in QR_MODES:
            raise _bad(spec, f"qr must be one of {', '.join(QR_MODES)}")
        changes["qr"] = options["qr"]
    if "font" in options:
        changes["font_path"] = options["font"]
    if "cut" in options:
        changes["cut"] = _bool(spec, "cut", options["cut"])
    if "trim" in options:
        changes["trim"] = _bool(spec, "trim", options["trim"])
    try:
        return dataclasses.replace(base, **changes)
    except PrinterConfigError as exc:
        raise _bad(spec, str(exc)) from None


def _bool(spec: str, what: str, text: str) -> bool:
    if text.lower() not in BOOLEANS:
        raise _bad(spec, f"{what} must be yes or no")
    return BOOLEANS[text.lower()]


def _timeout(spec: str, options: dict[str, str]) -> dict[str, float]:
    if "timeout" not in options:
        return {}
    try:
        seconds = float(options["timeout"])
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 300:
        raise _bad(spec, "timeout must be a number of seconds between 0 and 300")
    return {"seconds": seconds}


def printer_from_spec(spec: str, profile: PrinterProfile | None = None) -> Printer:
    """The printer described by ``spec`` (see the module docstring), not yet opened.

    ``profile`` is the starting layout; options after ``?`` override its fields.
    Raises :class:`~hardware.errors.PrinterConfigError` naming the accepted forms.
    """
    text = spec.strip()
    target, _, query = text.partition("?")
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise _bad(spec, "options after '?' must look like name=value&name=value") from None
    options = dict(pairs)
    known = {"width", "mode", "qr", "trim", "font", "cut", "timeout", "rtscts"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise _bad(spec, f"unknown option(s) {', '.join(unknown)}")
    kind, _, rest = target.partition(":")
    prof = _profile(spec, profile or PrinterProfile(), options)
    timeout = _timeout(spec, options).get("seconds")
    if "rtscts" in options and kind != "serial":
        raise _bad(spec, "rtscts applies to serial printers only")

    if kind == "usb":
        parts = rest.split(":")
        if len(parts) not in (2, 4) or not all(parts):
            raise _bad(spec, "usb needs VENDOR:PRODUCT or VENDOR:PRODUCT:IN_EP:OUT_EP")
        vendor = _hex_id(spec, "vendor id", parts[0], 0xFFFF)
        product = _hex_id(spec, "product id", parts[1], 0xFFFF)
        endpoints = {}
        if len(parts) == 4:
            endpoints = {
                "in_ep": _hex_id(spec, "IN endpoint", parts[2], 0xFF),
                "out_ep": _hex_id(spec, "OUT endpoint", parts[3], 0xFF),
            }
        extra = {"timeout_ms": int(timeout * 1000)} if timeout else {}
        return UsbPrinter(vendor, product, prof, **endpoints, **extra)

    if kind == "serial":
        device, baud = rest, DEFAULT_BAUDRATE
        head, sep, tail = rest.rpartition(":")
        if sep and tail.isdigit():
            device, baud = head, _int(spec, "baud rate", tail, 1200, 921600)
        if not device:
            raise _bad(spec, "serial needs a device such as /dev/ttyUSB0")
        return SerialPrinter(
            device,
            baud,
            prof,
            rtscts=_bool(spec, "rtscts", options.get("rtscts", "no")),
            write_timeout=timeout or DEFAULT_WRITE_TIMEOUT,
        )

    if kind == "network":
        host, port = _host_port(spec, rest)
        extra_net = {"connect_timeout": timeout, "write_timeout": timeout} if timeout else {}
        return NetworkPrinter(host, port, prof, **extra_net)

    if kind == "cups":
        if not rest:
            raise _bad(spec, "cups needs a queue name")
        try:
            return CupsPrinter(rest, prof)
        except PrinterConfigError as exc:
            raise _bad(spec, str(exc)) from None

    if kind == "preview":
        return PreviewPrinter(rest or DEFAULT_SPEC.partition(":")[2], prof)

    raise _bad(spec, f"unknown printer kind {kind!r}")


def _host_port(spec: str, rest: str) -> tuple[str, int]:
    if rest.startswith("["):  # IPv6 literal: [addr] or [addr]:port
        host, bracket, tail = rest[1:].partition("]")
        if not bracket or (tail and not tail.startswith(":")):
            raise _bad(spec, "an IPv6 address goes in brackets: network:[fe80::1]:9100")
        port_text = tail[1:]
    else:
        host, _, port_text = rest.partition(":")
        if ":" in port_text:
            raise _bad(spec, "an IPv6 address goes in brackets: network:[fe80::1]:9100")
    if not host or any(ch.isspace() for ch in host):
        raise _bad(spec, "network needs a host name or address")
    port = _int(spec, "port", port_text, 1, 65535) if port_text else DEFAULT_PORT
    return host, port
