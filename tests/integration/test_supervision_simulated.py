"""The simulator's day has occasional 刷号 and unattended windows, and the supervision
watch, evaluated every two minutes through the day, finds them (SQLite, offline)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from server.db.tables import events
from server.queueing.events import WindowPaused
from server.services.supervision import alerts
from server.services.supervision.watch import SupervisionWatch
from server.simulation.engine import ManualTimer, Simulator
from server.simulation.misconduct import AWAY_REASON
from server.simulation.offline import offline_hub

DAY = date(2026, 3, 3)
STEP = timedelta(minutes=2)


class EvaluatingTimer:
    """The simulator's manual timer, running the supervision rules every ``STEP`` on the way."""

    def __init__(self, clock, watch) -> None:
        self.inner, self.clock, self.watch = ManualTimer(clock), clock, watch
        self.next = None

    def wait_until(self, at: datetime) -> bool:
        self.next = self.next or at
        while self.next <= at:
            self.clock.set(max(self.clock.now(), self.next))
            self.watch.evaluate(self.next)
            self.next += STEP
        return self.inner.wait_until(at)


def test_a_simulated_day_gives_the_supervision_views_data(tmp_path):
    hub, clock = offline_hub(f"sqlite:///{tmp_path / 'sim.sqlite3'}",
                             start=datetime(2026, 3, 2, 16, 0, tzinfo=UTC))
    watch = SupervisionWatch(hub)
    Simulator(hub, EvaluatingTimer(clock, watch), seed=3).run_day(DAY)
    with hub.reading() as repos:
        away = [row for row in repos.conn.execute(
            select(events.c.window_id, events.c.data).where(events.c.kind == WindowPaused.kind))
            if (row.data or {}).get("reason") == AWAY_REASON]
    assert away, "some windows were left without notice"
    found = alerts.list_alerts(hub)
    kinds = Counter(a["kind"] for a in found)
    assert kinds["quick_no_show"] >= 1 and kinds["window_unattended"] >= 1
    quick = [a for a in found if a["kind"] == "quick_no_show"]
    assert all(a["detail"]["seconds"] < 30 and a["user"] for a in quick)
    assert len({a["id"] for a in found}) == len(found)
    hub.db.engine.dispose()
