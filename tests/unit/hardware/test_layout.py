"""render_ticket: size, determinism, legibility of the parts people read."""

from __future__ import annotations

from pathlib import Path

import pytest
import qrcode
from pyzbar.pyzbar import decode

from hardware.layout import PAPER_WIDTHS, PrinterProfile, qr_module_dots, render_ticket
from hardware.ticket import materials_text, text_columns, wrap
from tests.unit.hardware.sample import STATUS_URL

WIDTHS = sorted(PAPER_WIDTHS.values())


@pytest.mark.parametrize("mode", ["raster", "text"])
@pytest.mark.parametrize("width", WIDTHS)
def test_render_is_one_bit_and_exactly_paper_wide(make_ticket, width, mode):
    image = render_ticket(make_ticket(), PrinterProfile(width_dots=width, mode=mode))

    assert image.mode == "1"
    assert image.width == width
    assert 300 < image.height < 2000


@pytest.mark.parametrize("width", WIDTHS)
def test_render_is_deterministic(make_ticket, width):
    profile = PrinterProfile(width_dots=width)

    first = render_ticket(make_ticket(), profile)
    second = render_ticket(make_ticket(), profile)

    assert first.tobytes() == second.tobytes()


@pytest.mark.parametrize("width", WIDTHS)
def test_qr_code_decodes_and_modules_are_big_enough(make_ticket, width):
    image = render_ticket(make_ticket(), PrinterProfile(width_dots=width))

    [symbol] = decode(image.convert("L"))

    assert symbol.data.decode() == STATUS_URL
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(STATUS_URL)
    code.make(fit=True)
    modules = len(code.get_matrix())
    minimum = 4 if width >= 576 else 3
    # Measured on the printed symbol, not taken from the code that drew it.
    assert symbol.rect.width / modules >= minimum
    assert qr_module_dots(width, modules) == symbol.rect.width // modules


def test_every_part_changes_the_picture(make_ticket):
    profile = PrinterProfile(width_dots=576)
    base = render_ticket(make_ticket(), profile).tobytes()

    for change in (
        {"number": "A024"},
        {"ahead": 8},
        {"estimated_wait_s": 600},
        {"estimated_wait_s": None},
        {"priority_label": None},
        {"materials": ()},
        {"footer": None},
        {"header": "Welcome"},
        {"windows": ("15号窗口",)},
    ):
        assert render_ticket(make_ticket(**change), profile).tobytes() != base, change


def test_long_number_shrinks_to_fit_the_paper(make_ticket):
    image = render_ticket(make_ticket(number="VIP-A00023"), PrinterProfile(width_dots=384))

    assert image.width == 384
    # The number row must leave white margins on both sides: nothing is clipped.
    left_column = image.crop((0, 0, 8, image.height))
    right_column = image.crop((376, 0, 384, image.height))
    assert left_column.getextrema() == (255, 255)
    assert right_column.getextrema() == (255, 255)


def test_explicit_font_is_used(make_ticket, tmp_path: Path):
    wqy = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
    noto = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    if not (Path(wqy).is_file() and Path(noto).is_file()):
        pytest.skip("needs both fonts-noto-cjk and fonts-wqy-zenhei")

    with_wqy = render_ticket(make_ticket(), PrinterProfile(font_path=wqy))
    with_noto = render_ticket(make_ticket(), PrinterProfile(font_path=noto))

    assert with_wqy.tobytes() != with_noto.tobytes()


def test_materials_line_drops_whole_items_and_says_how_many(make_ticket):
    ticket = make_ticket(materials=("身份证", "户口簿", "不动产权证书", "购房合同", "完税证明"))

    exact = "请携带：身份证、户口簿、不动产权证书等5项"

    assert materials_text(ticket, text_columns, text_columns(exact)) == exact
    assert (
        materials_text(ticket, text_columns, text_columns(exact) - 1)
        == "请携带：身份证、户口簿等5项"
    )


def test_materials_line_cuts_a_single_long_item_with_an_ellipsis(make_ticket):
    ticket = make_ticket(materials=("经公证的授权委托书原件及受托人身份证明",))

    line = materials_text(ticket, text_columns, 24)

    assert line is not None and line.endswith("…")
    assert text_columns(line) <= 24


def test_materials_all_fit(make_ticket):
    assert materials_text(make_ticket(materials=("身份证",)), text_columns, 48) == "请携带：身份证"
    assert materials_text(make_ticket(materials=()), text_columns, 48) is None


def test_wrap_keeps_latin_words_whole_and_limits_lines():
    lines = wrap("Real estate registration 不动产登记", len, 12)

    assert lines == ["Real estate", "registration", "不动产登记"]
    assert wrap("一二三四五六七八九十", len, 4, max_lines=2) == ["一二三四", "五六七…"]


def test_labels_are_translatable(make_ticket):
    from hardware.ticket import TicketLabels, ahead_text, wait_text, windows_text

    english = TicketLabels(
        windows="Go to {windows}",
        windows_separator=", ",
        ahead="{ahead} people ahead",
        wait="About {minutes} min",
    )
    ticket = make_ticket(labels=english, windows=("Window 15", "Window 16"), estimated_wait_s=61)

    assert windows_text(ticket) == "Go to Window 15, Window 16"
    assert ahead_text(ticket) == "7 people ahead"
    assert wait_text(ticket) == "About 2 min"
