"""Statistics folded from a known event log, written by the real services.

The service day of 10 March 2026 starts at 07:40 in Asia/Shanghai, which is still
9 March in UTC: the figures must follow the center's zone, not the machine's.
"""

from __future__ import annotations

from datetime import date

from server.services.reporting import stats

from .conftest import DAY, POLICE_WINDOW, TAX_WINDOW


def _by(rows, key, value):
    return next(r for r in rows if r[key] == value)


def test_day_figures_follow_the_center_zone(day_log):
    figures = stats.day_stats(day_log.hub, DAY)
    assert figures["date"] == "2026-03-10"
    assert (figures["issued"], figures["served"], figures["no_show"], figures["waiting"]) == (3, 2, 1, 0)
    assert figures["transfers"] == 1
    assert figures["avg_wait_s"] == round((1500 + 2100 + 2100) / 3, 1)
    assert figures["median_wait_s"] == 2100 and figures["p90_wait_s"] == 2100
    assert figures["max_wait_s"] == 2100
    assert figures["avg_service_s"] == 600.0
    assert figures["completed_on_spot"] == 1 and figures["accepted"] == 1
    assert figures["on_spot_share"] == 0.5

    police = _by(figures["by_queue"], "queue_id", "police")
    tax = _by(figures["by_queue"], "queue_id", "tax")
    assert (police["issued"], police["served"], police["no_show"]) == (2, 1, 1)
    assert (tax["issued"], tax["served"], tax["transfers"]) == (1, 1, 1)
    assert tax["avg_service_s"] == 600.0

    window16 = _by(figures["by_window"], "window_id", POLICE_WINDOW)
    window39 = _by(figures["by_window"], "window_id", TAX_WINDOW)
    assert (window16["number"], window16["called"], window16["no_show"]) == (16, 2, 1)
    assert (window39["served"], window39["accepted"]) == (1, 1)


def test_the_evening_ticket_stays_on_its_own_day(day_log):
    evening = stats.day_stats(day_log.hub, date(2026, 3, 9))
    assert (evening["issued"], evening["waiting"], evening["avg_wait_s"]) == (1, 1, None)
    assert stats.day_stats(day_log.hub, date(2026, 3, 11))["issued"] == 0


def test_facts_carry_local_hour_and_weekday(day_log):
    facts = stats.facts_between(day_log.hub, DAY, DAY)
    assert {(f.hour, f.weekday) for f in facts} == {(7, 1)}  # Tuesday, 07:xx local
    assert sorted(f.wait_s for f in facts) == [1500, 2100, 2100]
    assert {f.clerk_id for f in facts} == {int(day_log.clerk(POLICE_WINDOW).id),
                                           int(day_log.clerk(TAX_WINDOW).id)}


def test_stored_facts_of_a_closed_day_give_the_same_figures(day_log):
    fresh = stats.day_stats(day_log.hub, DAY)
    day_log.at("2026-03-20T02:00:00+00:00")  # ten days later: 10 March is closed
    assert stats.closed_until(day_log.hub) >= DAY
    stored = stats.day_stats(day_log.hub, DAY)
    assert stored == fresh
    with day_log.hub.reading() as repos:
        count = repos.conn.execute(
            stats.select(stats.ticket_facts.c.ticket_id).where(stats.ticket_facts.c.service_day == DAY)
        ).all()
    assert len(count) == 3
    # building again is a no-op
    assert stats.build_facts(day_log.hub, DAY, DAY) == 0


def test_percentile_is_nearest_rank():
    values = list(range(1, 11))
    assert stats.percentile(values, 90) == 9
    assert stats.percentile(values, 100) == 10
    assert stats.percentile([5], 90) == 5
    assert stats.percentile([], 90) is None
