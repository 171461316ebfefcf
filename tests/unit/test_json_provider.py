"""The hub's JSON answers (``server/json_provider.py``) are the text Flask's own provider writes."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider

from server.json_provider import FastJSONProvider


class Colour(StrEnum):
    RED = "red"


@dataclasses.dataclass
class Point:
    y: int
    x: str


SAMPLES = [
    {"b": 1, "a": [1, 2.5, -0.0, 1e-3, 123456789.125], "c": None, "d": True, "e": False},
    {"号": "B007", "名": "社保窗口 ✓", "ctl": "tab\there\nnew \x01 \x1f \x7f \u2028 \"q\" \\", "é": "ü"},
    {"z": {"y": {"x": []}}, "list": [{"b": 2, "a": 1}], "colour": Colour.RED},
    [1, "two", {"three": 3}],
    {"when": datetime(2026, 12, 1, 9, 30, tzinfo=UTC), "day": date(2026, 12, 1)},
    {"point": Point(2, "x"), "money": Decimal("1.10"), "id": uuid.UUID(int=7)},
    {2: "int keys", 1: "are written as strings"},
    {"big": 2**70, "neg": -(2**63) - 1},
    {"emoji": "🙂", "astral": "\U0001d11e"},
]


@pytest.mark.parametrize("value", SAMPLES)
def test_answers_are_the_text_flask_writes(value):
    app = Flask(__name__)
    theirs, ours = DefaultJSONProvider(app), FastJSONProvider(app)
    theirs.ensure_ascii = ours.ensure_ascii = False
    with app.app_context():
        assert ours.response(value).get_data() == theirs.response(value).get_data()
        assert ours.dumps(value, indent=2) == theirs.dumps(value, indent=2)


def test_what_neither_can_write_fails_alike():
    app = Flask(__name__)
    with app.app_context(), pytest.raises(TypeError):
        FastJSONProvider(app).dumps({"a": {1, 2}}, separators=(",", ":"))
