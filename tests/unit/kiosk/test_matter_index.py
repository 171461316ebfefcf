"""The kiosk's matter index: every matter findable by its pinyin initials."""

from __future__ import annotations

import pytest

from server.api.kiosk_routes import matter_index
from server.center_file import load_demo_center
from server.queueing.center import UNIT_GROUPS


@pytest.fixture(scope="module")
def index():
    return matter_index(load_demo_center())


def test_hkqr_is_hukou_move_in(index):
    found = [m for m in index if m["initials"].startswith("hkqr")]
    assert [m["id"] for m in found] == ["hukou-move-in"]
    assert found[0]["pinyin"] == "hukouqianru"
    assert found[0]["name"] == "户口迁入" and found[0]["prefix"] == "B"
    assert found[0]["window_numbers"] == list(range(16, 24))


def test_every_matter_has_a_group_a_guide_entry_and_initials(index):
    center = load_demo_center()
    assert len(index) == len(center.matters)
    for matter in index:
        assert matter["group"] in UNIT_GROUPS
        assert matter["initials"].isascii() and matter["initials"].islower()
        assert len(matter["initials"]) >= 2
        assert matter["window_numbers"]


def test_the_index_is_built_once_per_center(index):
    assert matter_index(load_demo_center()) is not index  # another center object
    center = load_demo_center()
    assert matter_index(center) is matter_index(center)
