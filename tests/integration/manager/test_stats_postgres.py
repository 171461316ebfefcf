"""The same figures on PostgreSQL: stored facts are read through psycopg's own cursor there."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from server.services.reporting import reports, stats
from server.simulation.bulk import BulkHistory
from server.simulation.offline import offline_hub, working_days

pytestmark = pytest.mark.postgres


def test_reports_agree_on_postgresql(pg_url):
    hub, clock = offline_hub(pg_url, start=datetime(2026, 3, 30, tzinfo=UTC))
    try:
        days = working_days(date(2026, 3, 2), 3)
        BulkHistory(hub, seed=5).write_days(days)
        day = stats.day_stats(hub, days[1])  # closed: stored facts
        assert day["issued"] > 500
        report = reports.report(hub, days[1], days[1], "queue")
        for key in ("issued", "served", "no_show", "avg_wait_s", "p90_wait_s", "avg_service_s"):
            assert report["total"][key] == day[key]
        clock.set(datetime(2026, 3, 4, 2, tzinfo=UTC))  # 10:00 local on 4 March: 3 March is fresh
        assert stats.closed_until(hub) < days[1]
        assert stats.day_stats(hub, days[1]) == day
        assert reports.accuracy(hub, days[0], days[-1])["total"]["tickets"] > 1500
    finally:
        hub.db.engine.dispose()
