"""Ticket printers and ticket layout for Yimen kiosks.

Imports nothing else of the project. ``hardware.layout`` draws a ticket,
``hardware.escpos_encode`` turns it into ESC/POS bytes, ``hardware.printers``
sends them (``printer_from_spec("usb:0x0416:0x5011")``). Everything here is
synchronous; callers run printing off the request greenlet.
"""
