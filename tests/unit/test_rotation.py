"""The monthly rotation of a comprehensive window's six units."""

import pytest

from server.center_file import load_demo_center
from server.queueing.rotation import duty_months, unit_on_duty


def test_six_units_take_two_months_each_in_listed_order():
    units = ["drc", "eitc", "land", "safety", "radio", "staffing"]
    assert [unit_on_duty(units, m) for m in range(1, 13)] == [
        "drc", "drc", "eitc", "eitc", "land", "land", "safety", "safety", "radio", "radio",
        "staffing", "staffing"]
    assert duty_months(units, "land") == [5, 6]


def test_uneven_counts_share_the_year_as_evenly_as_possible():
    units = ["a", "b", "c", "d", "e"]
    months = [len(duty_months(units, u)) for u in units]
    assert sum(months) == 12 and max(months) - min(months) <= 1


def test_bad_month_and_no_units():
    assert unit_on_duty([], 3) is None
    with pytest.raises(ValueError):
        unit_on_duty(["a"], 13)


def test_demo_comprehensive_windows_rotate_through_their_six_units():
    center = load_demo_center()
    for window in (w for w in center.windows.values() if w.kind == "comprehensive"):
        queue_id = window.queue_ids[0]  # then the results pickup queue, which has no units
        units = center.queue(queue_id).unit_ids
        assert len(units) == 6
        assert {unit_on_duty(units, m) for m in range(1, 13)} == set(units)
