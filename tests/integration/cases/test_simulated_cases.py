"""The simulator's back office on a simulated hall day (SQLite): accepted tickets open
cases, most are decided the same day and on time, most decided results are collected
through the pickup queue, a few cases stay open for the year-end view."""

from __future__ import annotations

from datetime import UTC, date, datetime

from server.queueing.cases import CaseStatus
from server.services.cases import report
from server.simulation.engine import ManualTimer, Simulator
from server.simulation.offline import offline_hub


def test_a_simulated_day_decides_and_collects_most_cases(tmp_path):
    hub, clock = offline_hub(f"sqlite:///{tmp_path / 'sim.sqlite3'}",
                             start=datetime(2026, 3, 2, tzinfo=UTC))
    try:
        Simulator(hub, ManualTimer(clock), seed=5, cases=True).run_day(date(2026, 3, 2))
        with hub.reading() as repos:
            found = repos.cases.of_year(2026)
            pickups = repos.tickets.waiting(["pickup"], date(2026, 3, 2), now=hub.now())
        by_status = {s: sum(1 for c in found if c.status is s) for s in CaseStatus}
        assert len(found) > 100
        decided = by_status[CaseStatus.DECIDED] + by_status[CaseStatus.PICKED_UP]
        assert 0.7 * len(found) < decided < len(found)  # most, not all
        assert by_status[CaseStatus.PICKED_UP] > 0.3 * decided  # late decisions wait for tomorrow
        assert all(c.decided_on_time() for c in found if c.decided_at is not None)
        assert by_status[CaseStatus.IN_PROGRESS] > 0
        year = report.year_report(hub, 2026)
        assert year["opened"] == len(found) and year["open"] == by_status[CaseStatus.IN_PROGRESS]
        assert pickups == []  # the comprehensive windows served every pickup ticket
    finally:
        hub.db.dispose()
