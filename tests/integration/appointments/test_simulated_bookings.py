"""The simulator's booked visitors on a simulated hall day (SQLite) of a hall that takes
appointments: a share of the arrivals booked the slot under way and check in at the
kiosk, a few stay away and end as missed (strikes), and the day's figures show both,
with the wait of booked visitors against walk-ins. Without ``appointments=True`` the
simulator books nothing, as before."""

from __future__ import annotations

from datetime import UTC, date, datetime

from server.services.booking import figures, housekeeping
from server.simulation.engine import ManualTimer, Simulator
from server.simulation.offline import offline_hub

from .conftest import booking_center

DAY = date(2026, 3, 2)


def test_a_simulated_day_with_bookings(tmp_path):
    hub, clock = offline_hub(f"sqlite:///{tmp_path / 'sim.sqlite3'}",
                             start=datetime(2026, 3, 2, tzinfo=UTC), center=booking_center())
    hub.settings.secret_key = "test-secret"
    try:
        simulator = Simulator(hub, ManualTimer(clock), seed=5, appointments=True)
        report = simulator.run_day(DAY)
        bookers = simulator.bookers
        assert bookers.booked > 20 and 0 < bookers.absent < bookers.booked
        assert bookers.checked_in == bookers.booked - bookers.absent
        assert 0.05 * report.issued < bookers.checked_in < 0.25 * report.issued
        night = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 23:00 in the hall
        assert housekeeping.mark_missed(hub, night) == bookers.absent
        rows = figures.day_figures(hub, DAY)
        assert sum(r["bookings"] for r in rows) == bookers.booked
        assert sum(r["checked_in"] for r in rows) == bookers.checked_in
        assert sum(r["missed"] for r in rows) == bookers.absent
        assert sum(r["booked"] for r in rows) == 0
        waits = [r for r in rows if r["booked_wait_s"] is not None and r["walk_in_wait_s"] is not None]
        assert waits and sum(r["booked_wait_s"] for r in waits) < sum(r["walk_in_wait_s"] for r in waits)
    finally:
        hub.db.dispose()


def test_without_the_flag_the_simulator_books_nothing(tmp_path):
    hub, clock = offline_hub(f"sqlite:///{tmp_path / 'sim.sqlite3'}",
                             start=datetime(2026, 3, 2, tzinfo=UTC), center=booking_center())
    try:
        simulator = Simulator(hub, ManualTimer(clock), seed=5)
        assert simulator.bookers is None
        simulator.run_day(DAY)
        assert figures.day_figures(hub, DAY) == []
    finally:
        hub.db.dispose()
