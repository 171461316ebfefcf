"""The acceptance receipt is a slip like the ticket: same encoder, same reader."""

from __future__ import annotations

from datetime import datetime

import pytest
from pyzbar.pyzbar import decode

from hardware.escpos_encode import parse_raster
from hardware.receipt import ReceiptContent, encode_receipt, render_receipt
from hardware.ticket import PAPER_WIDTHS, PrinterProfile

RECEIPT = ReceiptContent(
    center_name="拉萨市城关区政务服务中心", case_no="ZW20260302-0017",
    matter_name="不动产登记（二手房转移登记）", unit_name="市自然资源局",
    accepted_at=datetime(2026, 3, 2, 10, 5), due_at=datetime(2026, 3, 9, 17, 0),
    number="A023", window_name="16号窗口", footer="请妥善保管本回执")


@pytest.mark.parametrize("paper", sorted(PAPER_WIDTHS))
@pytest.mark.parametrize("qr", ["native", "raster"])
def test_the_receipt_prints_its_case_number_as_a_scannable_code(paper, qr):
    profile = PrinterProfile(width_dots=PAPER_WIDTHS[paper], qr=qr)

    data = encode_receipt(RECEIPT, profile)
    printed = parse_raster(data, profile.width_dots)

    assert printed.tobytes() == render_receipt(RECEIPT, profile).tobytes()
    assert [s.data.decode() for s in decode(printed.convert("L"))] == [RECEIPT.case_no]
    assert (b"\x1d(k" in data) == (qr == "native")
    assert len(data) < 16 * 1024 and printed.height < 80 * 8
