"""Reconnection waits and the managers' alert while a hub is cut off from the others."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from server.realtime.queue_link import ALERT_ID, Backoff, QueueLink


def test_backoff_doubles_up_to_the_cap_and_starts_again_after_a_reset():
    backoff = Backoff(5.0)
    assert [backoff.next() for _ in range(7)] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0]
    backoff.reset()
    assert backoff.next() == 0.5


def test_a_cap_below_the_first_wait_is_the_wait():
    backoff = Backoff(0.2)
    assert [backoff.next() for _ in range(3)] == [0.2, 0.2, 0.2]


class FakeHub:
    def __init__(self) -> None:
        self.tz = ZoneInfo("Asia/Shanghai")
        self.at = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
        self.sent: list[tuple[dict, bool]] = []
        self.publisher = self

    def now(self) -> datetime:
        return self.at

    def alert(self, payload: dict, *, local: bool = False) -> None:
        self.sent.append((payload, local))


def test_one_alert_while_any_listener_is_cut_off_and_one_clearing_note():
    hub = FakeHub()
    link = QueueLink()
    link.bind(hub)
    link.down("socketio", ConnectionError("refused"))
    link.down("dirty_bus", ConnectionError("refused"))
    link.down("socketio", ConnectionError("refused again"))
    assert len(hub.sent) == 1
    alert, local = hub.sent[0]
    assert local is True  # the queue is down: only this hub's managers can hear it
    assert alert["id"] == ALERT_ID and alert["active"] is True and alert["severity"] == "critical"
    assert alert["at"] == "2026-12-01T10:00:00+08:00" and "Redis" in alert["message"]
    assert link.alerts() == [alert]

    hub.at += timedelta(seconds=70)
    link.up("socketio")
    assert len(hub.sent) == 1 and link.cut  # the dirty bus still cannot hear the others
    link.up("dirty_bus")
    cleared, _ = hub.sent[1]
    assert cleared["id"] == ALERT_ID and cleared["active"] is False and cleared["value_s"] == 70
    assert cleared["at"] == "2026-12-01T10:01:10+08:00"
    assert link.alerts() == [] and not link.cut
    link.up("dirty_bus")  # subscribed again without trouble: nothing to say
    assert len(hub.sent) == 2


def test_the_hub_keeps_no_checked_credentials_while_it_may_miss_a_revocation():
    """The access cache is trusted only while the dirty bus is subscribed and no listener
    is cut off; each change of that empties it."""
    from server.services.accounts.access_cache import AccessCache

    hub = FakeHub()
    hub.access = AccessCache()
    link = QueueLink()
    link.bind(hub)
    now = hub.now()

    def kept() -> bool:
        hub.access.put("token", "d", "actor", hub.access.generation())
        return hub.access.get("token", "d", now) == "actor"

    assert kept()  # one hub alone: nothing to hear
    link.expect("dirty_bus")  # several hubs: not subscribed yet
    assert not kept()
    link.up("dirty_bus")
    assert kept()
    link.lost("dirty_bus")  # the subscription broke: what was kept goes too
    assert hub.access.get("token", "d", now) is None and not kept()
    link.up("dirty_bus")
    assert kept()
    link.down("socketio", "refused")  # another listener cut off
    assert hub.access.get("token", "d", now) is None and not kept()
    link.up("socketio")
    assert kept()

    taken = hub.access.generation()  # a lookup under way when the bus breaks is not kept
    link.lost("dirty_bus")
    link.up("dirty_bus")
    hub.access.put("token", "late", "actor", taken)
    assert hub.access.get("token", "late", now) is None
