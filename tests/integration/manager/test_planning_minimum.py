"""Below the minimum of data the plans say so and advise nothing (one day advised cutting
windows from every queue and merging most departments)."""

from __future__ import annotations

from server.services.reporting import planning

from .conftest import DAY


def test_one_day_is_too_little_to_plan_on(day_log):
    windows = planning.window_plan(day_log.hub, DAY, DAY)
    units = planning.unit_plan(day_log.hub, DAY, DAY, [{"id": None, "name": "海北州档案馆", "cases": 85}])
    for plan in (windows, units):
        assert plan["too_little_data"] is True
        assert plan["service_days"] == 1 and plan["tickets"] == 3
        assert plan["min_service_days"] == planning.MIN_SERVICE_DAYS
        assert plan["min_tickets"] == planning.MIN_TICKETS
    assert all(q["change"] is None for q in windows["queues"])
    hub_rows = [u for u in units["units"] if u["source"] == "hub"]
    assert all(u["change"] is None and u["recommended"] is None for u in hub_rows)
    assert sum(u["cases"] for u in hub_rows) == 3  # the counts are still shown
    # a department's own yearly figure is not the hub's data: its advice stands
    assert [u["change"] for u in units["units"] if u["source"] == "imported"] == ["move_in"]
    assert units["changes"] == 1


def test_at_the_minimum_the_plans_advise(day_log, monkeypatch):
    monkeypatch.setattr(planning, "MIN_SERVICE_DAYS", 1)
    monkeypatch.setattr(planning, "MIN_TICKETS", 3)
    windows = planning.window_plan(day_log.hub, DAY, DAY)
    units = planning.unit_plan(day_log.hub, DAY, DAY)
    assert windows["too_little_data"] is False and units["too_little_data"] is False
    assert all(isinstance(q["change"], int) for q in windows["queues"])
    assert all(u["change"] is not None for u in units["units"])
