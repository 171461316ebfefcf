"""find_cjk_font: explicit path, environment, Debian paths, and a clear failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from hardware.errors import FontNotFoundError, HardwareError
from hardware.fonts import FONT_ENV, find_cjk_font
from hardware.layout import PrinterProfile, render_ticket


def test_explicit_path_wins(tmp_path: Path, monkeypatch):
    font = tmp_path / "mine.ttf"
    font.write_bytes(b"not really a font")
    monkeypatch.setenv(FONT_ENV, "/nonexistent/env.ttf")

    assert find_cjk_font(str(font)) == str(font)


def test_environment_variable_is_next(tmp_path: Path, monkeypatch):
    font = tmp_path / "env.ttc"
    font.write_bytes(b"x")
    monkeypatch.setenv(FONT_ENV, str(font))

    assert find_cjk_font() == str(font)


def test_missing_explicit_font_is_an_error_not_a_silent_fallback(monkeypatch):
    monkeypatch.delenv(FONT_ENV, raising=False)

    with pytest.raises(FontNotFoundError, match="/nonexistent/font.ttc") as info:
        find_cjk_font("/nonexistent/font.ttc")

    assert "fonts-noto-cjk" in str(info.value)


def test_no_font_anywhere_names_the_debian_package(tmp_path: Path, monkeypatch):
    monkeypatch.delenv(FONT_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no fc-match either

    with pytest.raises(FontNotFoundError) as info:
        find_cjk_font(candidates=[str(tmp_path / "missing.ttc")])

    message = str(info.value)
    assert "apt-get install fonts-noto-cjk" in message
    assert FONT_ENV in message
    assert isinstance(info.value, HardwareError)


def test_debian_paths_are_found(monkeypatch):
    monkeypatch.delenv(FONT_ENV, raising=False)
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


def test_rendering_without_a_font_raises_font_not_found(make_ticket, monkeypatch):
    monkeypatch.delenv(FONT_ENV, raising=False)
    profile = PrinterProfile(font_path="/nonexistent/NotoSansCJK-Regular.ttc")

    with pytest.raises(FontNotFoundError, match="fonts-noto-cjk"):
        render_ticket(make_ticket(), profile)
