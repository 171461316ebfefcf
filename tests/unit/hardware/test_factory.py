"""printer_from_spec: every accepted form, options, and clear errors for bad strings."""

from __future__ import annotations

import pytest

from hardware.errors import PrinterConfigError
from hardware.layout import PrinterProfile
from hardware.printers import printer_from_spec
from hardware.printers.cups import CupsPrinter
from hardware.printers.network import NetworkPrinter
from hardware.printers.preview import PreviewPrinter
from hardware.printers.serial_port import SerialPrinter
from hardware.printers.usb import UsbPrinter


def test_usb_with_hex_ids():
    printer = printer_from_spec("usb:0x0416:0x5011")

    assert isinstance(printer, UsbPrinter)
    assert (printer.vendor_id, printer.product_id) == (0x0416, 0x5011)
    assert (printer.in_ep, printer.out_ep) == (0x82, 0x01)
    assert printer.describe() == "USB printer 0416:5011"


def test_usb_ids_as_lsusb_prints_them_and_endpoints():
    printer = printer_from_spec("usb:0416:5011:0x81:0x03")

    assert isinstance(printer, UsbPrinter)
    assert (printer.vendor_id, printer.product_id, printer.in_ep, printer.out_ep) == (
        0x0416,
        0x5011,
        0x81,
        0x03,
    )


def test_serial_default_and_explicit_baud():
    default = printer_from_spec("serial:/dev/ttyUSB0")
    explicit = printer_from_spec("serial:/dev/ttyS1:9600?rtscts=yes")

    assert isinstance(default, SerialPrinter) and isinstance(explicit, SerialPrinter)
    assert (default.device, default.baudrate, default.rtscts) == ("/dev/ttyUSB0", 19200, False)
    assert (explicit.device, explicit.baudrate, explicit.rtscts) == ("/dev/ttyS1", 9600, True)


@pytest.mark.parametrize(
    ("spec", "host", "port"),
    [
        ("network:192.168.1.50", "192.168.1.50", 9100),
        ("network:192.168.1.50:9101", "192.168.1.50", 9101),
        ("network:printer.hall.local", "printer.hall.local", 9100),
        ("network:[fe80::1]:9200", "fe80::1", 9200),
        ("network:[::1]", "::1", 9100),
    ],
)
def test_network(spec, host, port):
    printer = printer_from_spec(spec)

    assert isinstance(printer, NetworkPrinter)
    assert (printer.host, printer.port) == (host, port)


def test_network_timeout_option():
    printer = printer_from_spec("network:10.0.0.9?timeout=1.5")

    assert isinstance(printer, NetworkPrinter)
    assert (printer.connect_timeout, printer.write_timeout) == (1.5, 1.5)


def test_cups_and_preview():
    cups = printer_from_spec("cups:Lobby_Ticket-1")
    preview = printer_from_spec("preview:var/tickets")
    bare = printer_from_spec("preview")

    assert isinstance(cups, CupsPrinter) and cups.queue == "Lobby_Ticket-1"
    assert isinstance(preview, PreviewPrinter) and str(preview.directory) == "var/tickets"
    assert isinstance(bare, PreviewPrinter) and str(bare.directory) == "var/tickets"


def test_options_set_the_profile():
    printer = printer_from_spec("preview:out?width=58mm&mode=text&cut=no&font=/f.ttc")

    assert printer.profile == PrinterProfile(
        width_dots=384, mode="text", font_path="/f.ttc", cut=False
    )


def test_the_qr_option_says_who_draws_the_code():
    assert printer_from_spec("preview").profile.native_qr  # 80 mm: the printer, by default
    assert not printer_from_spec("preview?width=58mm").profile.native_qr
    assert not printer_from_spec("preview?qr=raster").profile.native_qr
    assert printer_from_spec("preview?width=58mm&qr=native").profile.native_qr
    assert printer_from_spec("preview?width=58mm&mode=text&qr=raster").profile.native_qr
    assert not printer_from_spec("preview?trim=no").profile.trim


def test_options_override_a_given_profile_and_keep_the_rest():
    base = PrinterProfile(width_dots=384, font_path="/base.ttc")

    printer = printer_from_spec("network:10.0.0.9?width=80mm", base)

    assert printer.profile == PrinterProfile(width_dots=576, font_path="/base.ttc")
    assert printer_from_spec("preview", base).profile == base


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("", "unknown printer kind"),
        ("lpt:1", "unknown printer kind 'lpt'"),
        ("usb:0416", "VENDOR:PRODUCT"),
        ("usb:0416:5011:81", "VENDOR:PRODUCT"),
        ("usb:xyz:5011", "not a hexadecimal number"),
        ("usb:10000:5011", "out of range"),
        ("serial:", "needs a device"),
        ("serial:/dev/ttyUSB0:12", "baud rate"),
        ("network:", "host"),
        ("network:host:99999", "port"),
        ("network:host:abc", "port"),
        ("network:fe80::1", "brackets"),
        ("cups:", "queue name"),
        ("cups:-o evil", "invalid CUPS queue name"),
        ("cups:a;rm -rf", "invalid CUPS queue name"),
        ("preview?width=70mm", "width"),
        ("preview?width=500", "multiple of 8"),
        ("preview?mode=pdf", "mode must be"),
        ("preview?cut=maybe", "cut must be"),
        ("preview?qr=yes", "qr must be one of auto, native, raster"),
        ("preview?trim=maybe", "trim must be"),
        ("preview?colour=red", "unknown option"),
        ("preview?width", "name=value"),
        ("network:h?timeout=0", "timeout"),
        ("network:h?rtscts=yes", "serial printers only"),
    ],
)
def test_bad_specs_say_why_and_list_the_accepted_forms(spec, reason):
    with pytest.raises(PrinterConfigError) as info:
        printer_from_spec(spec)

    message = str(info.value)
    assert reason in message
    for form in ("usb:VENDOR:PRODUCT", "serial:DEVICE", "network:HOST", "cups:QUEUE", "preview"):
        assert form in message
