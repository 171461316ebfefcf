"""Ticket printers and ticket layout for Yimen kiosks.

Imports nothing else of the project. ``hardware.sheet`` draws a slip (the ticket of
``hardware.layout``, the receipt of ``hardware.receipt``), ``hardware.qr`` makes its QR
code, ``hardware.escpos_encode`` turns it into ESC/POS bytes and
``hardware.escpos_read`` reads them back into a picture, ``hardware.printers``
sends them (``printer_from_spec("usb:0x0416:0x5011")``), ``hardware.printer_health``
names a printer's problems and prints only when it can, ``hardware.print_job`` is the
job's JSON and the Socket.IO names the kiosk agent shares with the hub. Settings (a
font path) come from the caller. Everything here is synchronous; callers run printing
off the request greenlet.
"""
