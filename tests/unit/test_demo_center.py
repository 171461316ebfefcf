"""The bundled demo center reproduces the Haibei hall of the 2019 notice (docs/domain.md)."""

from __future__ import annotations

from collections import Counter

import pytest

from server.center_file import DEMO_CENTER_PATH, center_to_document, load_demo_center, parse_center

NOTICE_COMPREHENSIVE_WINDOWS = [
    {"drc", "eitc", "land", "work-safety", "radio", "staffing"},
    {"agriculture", "environment", "forestry", "water-resources", "archives", "meteorology"},
    {"state-security", "civil-affairs", "ethnic-religion", "education", "civil-defence",
     "earthquake"},
    {"health", "tourism", "statistics", "poverty", "culture", "postal-admin"},
]  # fmt: skip


@pytest.fixture(scope="module")
def center():
    return load_demo_center()


def test_the_demo_file_is_bundled_in_the_package():
    assert DEMO_CENTER_PATH.name == "haibei.yaml"
    assert DEMO_CENTER_PATH.parent.name == "centers"
    assert (DEMO_CENTER_PATH.parent / "__init__.py").exists()


def test_center_header(center):
    assert center.name == "海北州政务服务中心"
    assert center.name_en == "Haibei Prefecture Government Service Center"
    assert center.timezone == "Asia/Shanghai"
    assert {zone.id: (zone.name, zone.floor) for zone in center.zones.values()} == {
        "f1": ("一楼大厅", 1),
        "f2": ("二楼", 2),
    }


def test_72_windows_6_of_them_upstairs(center):
    assert len(center.windows) == 72
    assert [w.number for w in center.windows.values()] == list(range(1, 73))
    assert list(center.windows) == [f"w{n:02d}" for n in range(1, 73)]
    assert Counter(w.zone_id for w in center.windows.values()) == {"f1": 66, "f2": 6}
    assert center.windows["w15"].name == "15号窗口"
    assert center.windows["w15"].name_en == "Window 15"


def test_windows_by_kind(center):
    assert Counter(w.kind for w in center.windows.values()) == {
        "whole_unit": 15,
        "standalone": 53,
        "comprehensive": 4,
    }


def test_units_by_group(center):
    assert len(center.units) == 55
    assert Counter(u.group for u in center.units.values()) == {
        "whole_unit": 3,
        "standalone": 8,
        "county": 5,
        "enterprise": 15,
        "comprehensive": 24,
    }


def windows_of_group(center, group):
    unit_ids = {u.id for u in center.units.values() if u.group == group}
    return [
        window
        for window in center.windows.values()
        if any(set(center.queue(q).unit_ids) & unit_ids for q in window.queue_ids)
    ]


@pytest.mark.parametrize(
    ("group", "windows"),
    [("whole_unit", 15), ("standalone", 30), ("county", 7), ("enterprise", 16)],
)
def test_windows_by_unit_group(center, group, windows):
    assert len(windows_of_group(center, group)) == windows


def test_the_three_whole_unit_residencies(center):
    names = {u.name for u in center.units.values() if u.group == "whole_unit"}
    assert names == {
        "海北州住房公积金管理中心",
        "海北州社会保险服务局",
        "海北州司法局（含法律援助中心）",
    }
    for window in windows_of_group(center, "whole_unit"):
        assert window.kind == "whole_unit"


def test_one_queue_per_unit_outside_the_comprehensive_windows(center):
    for unit in center.units.values():
        if unit.group == "comprehensive":
            continue
        queues = [q for q in center.queues.values() if unit.id in q.unit_ids]
        assert [q.id for q in queues] == [unit.id]
        assert queues[0].unit_ids == (unit.id,)


def test_exactly_one_enterprise_has_two_windows(center):
    enterprises = [u.id for u in center.units.values() if u.group == "enterprise"]
    counts = Counter(len(center.queue(unit_id).window_ids) for unit_id in enterprises)
    assert counts == {1: 14, 2: 1}


def test_four_comprehensive_windows_each_with_the_six_notice_units(center):
    windows = [w for w in center.windows.values() if w.kind == "comprehensive"]
    assert len(windows) == 4
    served = []
    for window in windows:
        # its units' queue first, then the results pickup queue (综合窗口出件)
        assert window.queue_ids[1:] == (center.rules.pickup_queue,)
        queue = center.queue(window.queue_ids[0])
        assert queue.window_ids == (window.id,)
        assert len(queue.unit_ids) == 6
        served.append(set(queue.unit_ids))
    assert served == NOTICE_COMPREHENSIVE_WINDOWS
    assert center.queue(center.rules.pickup_queue).window_ids == tuple(w.id for w in windows)


def test_the_comprehensive_units_offer_40_approval_58_public_service_3_other(center):
    units = set().union(*NOTICE_COMPREHENSIVE_WINDOWS)
    matters = [m for m in center.matters.values() if m.unit_id in units]
    assert Counter(m.category for m in matters) == {
        "approval": 40,
        "public_service": 58,
        "other": 3,
    }
    assert len(matters) == 101


def test_every_unit_offers_two_to_eight_matters(center):
    per_unit = Counter(m.unit_id for m in center.matters.values())
    assert set(per_unit) == set(center.units)
    assert all(2 <= count <= 8 for count in per_unit.values()), per_unit


def test_every_matter_has_a_guide_with_materials(center):
    for matter in center.matters.values():
        guide = matter.guide
        assert guide is not None, matter.id
        assert 2 <= len(guide.materials) <= 5, matter.id
        assert guide.fees, matter.id
        assert guide.time_limit_days is not None, matter.id
        assert guide.on_the_spot == (guide.time_limit_days == 0), matter.id
        assert 3 <= matter.service_minutes <= 20, matter.id


def test_hukou_move_in_is_a_police_matter(center):
    matter = center.matter("hukou-move-in")
    assert (matter.name, matter.unit_id, matter.queue_id) == ("户口迁入", "police", "police")
    assert center.units["police"].name == "海北州公安局"


def test_prefixes_are_unique_and_none_begins_another(center):
    prefixes = [q.prefix for q in center.queues.values()]
    assert len(prefixes) == len(set(prefixes)) == 36  # 35 of units, P for results pickup
    for first in prefixes:
        for second in prefixes:
            assert first == second or not second.startswith(first)


def test_every_unit_queue_and_window_has_an_english_name(center):
    for collection in (center.zones, center.units, center.queues, center.windows):
        assert all(item.name_en for item in collection.values())


def test_the_demo_survives_the_database_round_trip(center):
    assert parse_center(center_to_document(center), "database") == center


def test_every_department_has_its_own_icon_drawn_in_the_sprite(center):
    """Each of the demo's units names an icon (none falls back to the default), and the
    names the center file may use are exactly the symbols of server/static/unit-icons.svg."""
    import re

    import yaml

    from server.queueing.center import UNIT_ICONS

    sprite = (DEMO_CENTER_PATH.parents[1] / "static" / "unit-icons.svg").read_text(encoding="utf-8")
    assert sorted(re.findall(r'<symbol id="([^"]+)"', sprite)) == sorted(UNIT_ICONS)
    written = yaml.safe_load(DEMO_CENTER_PATH.read_text(encoding="utf-8"))["units"]
    assert [unit["id"] for unit in written if "icon" not in unit] == []
    assert {unit.id: unit.icon for unit in center.units.values()} == {unit["id"]: unit["icon"] for unit in written}
    assert center.units["social-insurance"].icon == "insurance" and center.units["ccb"].icon == "bank"
