"""find_cjk_font: the caller's path, Debian paths, and a clear failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from hardware.errors import FontNotFoundError, HardwareError
from hardware.fonts import find_cjk_font
from hardware.layout import PrinterProfile, render_ticket


def test_explicit_path_wins(tmp_path: Path):
    font = tmp_path / "mine.ttf"
    font.write_bytes(b"not really a font")

    assert find_cjk_font(str(font)) == str(font)


def test_the_environment_is_the_callers_business(tmp_path: Path, monkeypatch):
    """hardware/ reads no settings: the hub passes Config's CJK_FONT, the agent --font."""
    font = tmp_path / "env.ttc"
    font.write_bytes(b"x")
    monkeypatch.setenv("YIMEN_CJK_FONT", str(font))

    assert find_cjk_font(candidates=[str(font)], use_fontconfig=False) == str(font)
    with pytest.raises(FontNotFoundError):
        find_cjk_font(candidates=[], use_fontconfig=False)


def test_missing_explicit_font_is_an_error_not_a_silent_fallback():

    with pytest.raises(FontNotFoundError, match="/nonexistent/font.ttc") as info:
        find_cjk_font("/nonexistent/font.ttc")

    assert "fonts-noto-cjk" in str(info.value)


def test_no_font_anywhere_names_the_debian_package(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no fc-match either

    with pytest.raises(FontNotFoundError) as info:
        find_cjk_font(candidates=[str(tmp_path / "missing.ttc")])

    message = str(info.value)
    assert "apt-get install fonts-noto-cjk" in message
    assert "YIMEN_CJK_FONT" in message and "--font" in message
    assert isinstance(info.value, HardwareError)


def test_debian_paths_are_found():
    installed = [
        path
        for path in (
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        )
        if Path(path).is_file()
    ]
    if not installed:
        pytest.skip("no Debian CJK font package installed")

    assert find_cjk_font(use_fontconfig=False) == installed[0]


def test_rendering_without_a_font_raises_font_not_found(make_ticket):
    profile = PrinterProfile(font_path="/nonexistent/NotoSansCJK-Regular.ttc")

    with pytest.raises(FontNotFoundError, match="fonts-noto-cjk"):
        render_ticket(make_ticket(), profile)
