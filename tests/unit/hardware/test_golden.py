"""Golden images: the fixed ticket must print as the checked-in PNGs, pixel for pixel.

The picture is rebuilt from the ESC/POS bytes by the reader (``hardware.escpos_read``),
native QR code included, so these check the layout, the encoder and the reader at once.
Regenerate after an intended layout change with
``YIMEN_UPDATE_GOLDEN=1 python -m pytest tests/unit/hardware/test_golden.py``
and look at the new PNGs before committing them. The goldens are drawn with Noto
Sans CJK (Debian fonts-noto-cjk); another font or FreeType version draws other pixels.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from hardware.escpos_encode import encode_ticket, parse_raster
from hardware.layout import PAPER_WIDTHS, PrinterProfile
from tests.unit.hardware.sample import fixed_ticket

GOLDEN_DIR = Path(__file__).parent / "golden"
NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
# (golden name, paper, qr): each paper's default, and the other way of drawing the QR code.
CASES = [("ticket-80mm", "80mm", "auto"), ("ticket-80mm-raster-qr", "80mm", "raster"),
         ("ticket-58mm", "58mm", "auto"), ("ticket-58mm-native-qr", "58mm", "native")]


@pytest.mark.parametrize(("name", "paper", "qr"), CASES)
def test_raster_ticket_matches_golden(name, paper, qr):
    if not Path(NOTO).is_file():
        pytest.skip("golden images are drawn with fonts-noto-cjk, which is not installed")
    profile = PrinterProfile(width_dots=PAPER_WIDTHS[paper], font_path=NOTO, qr=qr)
    printed = parse_raster(encode_ticket(fixed_ticket(), profile), profile.width_dots)
    golden_path = GOLDEN_DIR / f"{name}.png"

    if os.environ.get("YIMEN_UPDATE_GOLDEN") == "1":
        GOLDEN_DIR.mkdir(exist_ok=True)
        printed.save(golden_path)

    golden = Image.open(golden_path).convert("1")
    assert printed.size == golden.size
    diff = ImageChops.logical_xor(printed, golden)
    assert diff.getbbox() is None, f"pixels differ inside {diff.getbbox()} of {golden_path.name}"


@pytest.mark.parametrize(("paper", "qr", "most_mm", "most_bytes"), [
    ("80mm", "auto", 80, 12 * 1024), ("80mm", "raster", 80, 24 * 1024),
    ("58mm", "auto", 95, 24 * 1024), ("58mm", "native", 95, 24 * 1024)])
def test_the_fullest_ticket_fits_its_paper_and_bytes(paper, qr, most_mm, most_bytes):
    """Every part a ticket can have, within the paper and the bytes of issue 15."""
    if not Path(NOTO).is_file():
        pytest.skip("measured with fonts-noto-cjk, which is not installed")
    profile = PrinterProfile(width_dots=PAPER_WIDTHS[paper], font_path=NOTO, qr=qr)
    data = encode_ticket(fixed_ticket(), profile)

    assert len(data) <= most_bytes
    assert parse_raster(data, profile.width_dots).height <= most_mm * 8  # 8 dots a mm
