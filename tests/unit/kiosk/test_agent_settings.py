"""The kiosk agent's font comes from its own flags; a printer spec's font= still wins."""

from __future__ import annotations

from hardware.printers import printer_from_spec
from hardware.ticket import PrinterProfile
from kiosk.agent import parse_args

BASE = ["--hub", "http://127.0.0.1:5000", "--key", "k"]


def test_font_flag_defaults_to_the_environment_variable(monkeypatch):
    monkeypatch.setenv("YIMEN_CJK_FONT", "/fonts/env.ttc")
    assert parse_args(BASE).font == "/fonts/env.ttc"
    assert parse_args([*BASE, "--font", "/fonts/flag.ttc"]).font == "/fonts/flag.ttc"
    monkeypatch.delenv("YIMEN_CJK_FONT")
    assert parse_args(BASE).font is None


def test_the_callers_font_is_the_printers_unless_its_spec_names_one(tmp_path):
    base = PrinterProfile(font_path="/fonts/hall.ttc")
    assert printer_from_spec(f"preview:{tmp_path}", base).profile.font_path == "/fonts/hall.ttc"
    named = printer_from_spec(f"preview:{tmp_path}?font=/fonts/own.ttc", base)
    assert named.profile.font_path == "/fonts/own.ttc"
