"""A hub of the test's own on SQLite with a ManualClock (the real services, offline), and a
known day written through them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from server.queueing.actors import Actor
from server.services.counter import windows as w
from server.services.issuing import tickets as ticket_service
from server.simulation.offline import offline_hub

DAY = date(2026, 3, 10)
POLICE_WINDOW, TAX_WINDOW = "w16", "w39"


class World:
    """The hub, its clock, and helpers that act as a kiosk or a clerk at a given time."""

    KIOSK = Actor("device", "1", "测试取号机")

    def __init__(self, hub, clock) -> None:
        self.hub, self.clock = hub, clock
        self._clerks: dict[str, Actor] = {}

    def at(self, iso: str) -> None:
        self.clock.set(datetime.fromisoformat(iso))

    def clerk(self, window_id: str) -> Actor:
        if window_id not in self._clerks:
            with self.hub.uow() as uow:
                user_id = uow.users.add(f"c-{window_id}", f"职员{window_id}", "clerk", "!", self.clock.now())
                uow.commit()
            self._clerks[window_id] = Actor("user", str(user_id), f"职员{window_id}", "clerk")
        return self._clerks[window_id]


@pytest.fixture
def world(tmp_path) -> World:
    hub, clock = offline_hub(f"sqlite:///{tmp_path / 'stats.sqlite3'}",
                             start=datetime(2026, 3, 1, tzinfo=UTC))
    yield World(hub, clock)
    hub.db.engine.dispose()


@pytest.fixture
def day_log(world):
    hub = world.hub

    def issue(at, matter="hukou-move-in"):
        world.at(at)
        return ticket_service.issue_ticket(hub, matter_id=matter, actor=world.KIOSK)[0]

    police, tax = world.clerk(POLICE_WINDOW), world.clerk(TAX_WINDOW)
    # The evening before (local 9 March, 23:50): stays on 9 March, still waiting.
    issue("2026-03-09T15:50:00+00:00")
    # Local 07:40, 07:45, 07:50 on 10 March = 23:40, 23:45, 23:50 UTC on 9 March.
    first = issue("2026-03-09T23:40:00+00:00")
    issue("2026-03-09T23:45:00+00:00")
    issue("2026-03-09T23:50:00+00:00")
    world.at("2026-03-09T23:55:00+00:00")
    w.open_window(hub, POLICE_WINDOW, police)
    w.open_window(hub, TAX_WINDOW, tax)
    # The evening ticket belongs to 9 March: the hub calls only today's tickets.
    world.at("2026-03-10T00:05:00+00:00")  # 08:05 local
    assert w.call_next(hub, POLICE_WINDOW, police)["id"] == first["id"]  # waited 25 min
    world.at("2026-03-10T00:06:00+00:00")
    w.start_service(hub, POLICE_WINDOW, police)
    world.at("2026-03-10T00:16:00+00:00")
    w.finish(hub, POLICE_WINDOW, police, "completed")  # served 10 min
    world.at("2026-03-10T00:20:00+00:00")
    w.call_next(hub, POLICE_WINDOW, police)  # second: waited 35 min
    world.at("2026-03-10T00:21:00+00:00")
    w.recall(hub, POLICE_WINDOW, police)
    world.at("2026-03-10T00:23:00+00:00")
    w.no_show(hub, POLICE_WINDOW, police)
    world.at("2026-03-10T00:25:00+00:00")
    w.call_next(hub, POLICE_WINDOW, police)  # third: waited 35 min
    world.at("2026-03-10T00:26:00+00:00")
    w.start_service(hub, POLICE_WINDOW, police)
    world.at("2026-03-10T00:30:00+00:00")
    w.transfer(hub, POLICE_WINDOW, police, "tax")
    world.at("2026-03-10T00:40:00+00:00")
    w.call_next(hub, TAX_WINDOW, tax)
    world.at("2026-03-10T00:50:00+00:00")
    w.finish(hub, TAX_WINDOW, tax, "accepted")  # never started: served 10 min from the call
    return world
