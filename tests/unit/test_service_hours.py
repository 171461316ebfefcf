"""Opening hours: breaks and the time before opening are not service time."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.center_file import center_to_document, parse_center
from server.queueing.center_update import check_update
from server.queueing.errors import CenterDefinitionError
from server.queueing.hours import ServiceHours

TZ = ZoneInfo("Asia/Shanghai")
HALL = ServiceHours.parse(["09:00-12:00", "14:00-17:30"])


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute, tzinfo=TZ)


def test_inside_a_period_time_runs_as_usual():
    assert HALL.wall_seconds(at(10), 1800) == 1800


def test_the_lunch_break_is_skipped():
    # 40 minutes of service ahead at 11:40: 20 before lunch, 20 after it -> 14:20
    assert HALL.wall_seconds(at(11, 40), 2400) == (at(14, 20) - at(11, 40)).total_seconds()


def test_waiting_through_lunch_counts_from_reopening():
    assert HALL.wall_seconds(at(12, 30), 600) == (at(14, 10) - at(12, 30)).total_seconds()
    assert HALL.wall_seconds(at(12, 30), 0) == (at(14, 0) - at(12, 30)).total_seconds()


def test_before_opening_waits_for_the_doors():
    assert HALL.wall_seconds(at(8, 30), 300) == (at(9, 5) - at(8, 30)).total_seconds()


def test_after_the_last_period_the_line_is_served_out():
    assert HALL.wall_seconds(at(17, 20), 3600) == 3600
    assert HALL.wall_seconds(at(18, 0), 600) == 600


def test_no_hours_means_always_open():
    assert ServiceHours().wall_seconds(at(12, 30), 600) == 600
    assert not ServiceHours()


@pytest.mark.parametrize("texts", [["9-12"], ["09:00-08:00"], ["09:00-12:00", "11:00-13:00"],
                                   ["25:00-26:00"], ["09:00"]])
def test_malformed_hours_are_refused(texts):
    with pytest.raises(ValueError):
        ServiceHours.parse(texts)


def small_center(hours=None) -> dict:
    head = {"name": "测试中心", "timezone": "Asia/Shanghai"}
    if hours is not None:
        head["hours"] = hours
    return {
        "center": head,
        "zones": [{"id": "f1", "name": "一楼"}],
        "units": [{"id": "police", "name": "公安局"}],
        "matters": [{"id": "m1", "name": "户口迁入", "unit": "police", "category": "approval"}],
        "queues": [{"id": "police", "name": "公安", "prefix": "B", "units": ["police"]}],
        "windows": [{"id": "w01", "number": 1, "name": "1号窗口", "zone": "f1", "kind": "standalone",
                     "queues": ["police"]}],
    }


def test_center_file_hours_round_trip_and_update():
    center = parse_center(small_center(["09:00-12:00", "14:00-17:30"]), "hall.yaml")
    assert center.hours == HALL and center.to_dict()["hours"] == ["09:00-12:00", "14:00-17:30"]
    assert parse_center(center_to_document(center), "db") == center
    changed = parse_center(small_center(["08:30-12:00", "14:00-18:00"]), "hall.yaml")
    assert any("opening hours" in c for c in check_update(center, changed))


def test_bad_hours_in_a_center_file_name_the_field():
    with pytest.raises(CenterDefinitionError, match=r"hall.yaml: center.hours: .*ends before"):
        parse_center(small_center(["12:00-09:00"]), "hall.yaml")


def test_demo_hall_closes_for_lunch():
    from server.center_file import load_demo_center

    assert load_demo_center().hours == HALL
    assert timedelta(seconds=HALL.wall_seconds(at(11, 50), 1200)) == timedelta(hours=2, minutes=20)
