"""Golden images: the fixed ticket must render to the checked-in PNGs, pixel for pixel.

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


@pytest.mark.parametrize("paper", sorted(PAPER_WIDTHS))
def test_raster_ticket_matches_golden(paper):
    if not Path(NOTO).is_file():
        pytest.skip("golden images are drawn with fonts-noto-cjk, which is not installed")
    profile = PrinterProfile(width_dots=PAPER_WIDTHS[paper], font_path=NOTO)
    printed = parse_raster(encode_ticket(fixed_ticket(), profile))
    golden_path = GOLDEN_DIR / f"ticket-{paper}.png"

    if os.environ.get("YIMEN_UPDATE_GOLDEN") == "1":
        GOLDEN_DIR.mkdir(exist_ok=True)
        printed.save(golden_path)

    golden = Image.open(golden_path).convert("1")
    assert printed.size == golden.size
    diff = ImageChops.logical_xor(printed, golden)
    assert diff.getbbox() is None, f"pixels differ inside {diff.getbbox()} of {golden_path.name}"
