"""The webhook outbox through the real services on SQLite and PostgreSQL: a change and its
rows commit or roll back together; delivery retries, in order per object, dead after 24 h."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from server.db.repositories.outbox import Outbox
from server.db.tables import events, outbox, outbox_attempts
from server.queueing.actors import Actor
from server.services.counter import windows
from server.services.issuing import tickets
from server.services.partners import access, delivery

KIOSK = Actor("device", "1", "kiosk", "kiosk")


def partner_ticket(hub, partner, **kw):
    actor = access.PartnerIdentity(partner["id"], partner["name"]).actor()
    return tickets.issue_ticket(hub, matter_id="hukou-move-in", actor=actor, device_id=str(partner["id"]),
                                **kw)[0]


def rows(hub):
    with hub.reading() as repos:
        return [dict(r._mapping) for r in repos.conn.execute(select(outbox).order_by(outbox.c.id))]


def count(hub, table):
    with hub.reading() as repos:
        return repos.conn.execute(select(func.count()).select_from(table)).scalar_one()


def drain(hub, clock, simulator, until, *, step_s=1.0, rounds=400):
    """Deliver, moving the clock on, until ``until(simulator)``."""
    for _ in range(rounds):
        delivery.deliver_due(hub)
        if until(simulator):
            return
        clock.advance(seconds=step_s)
    raise AssertionError(f"not delivered: {rows(hub)}")


def test_only_a_partners_own_tickets_write_rows_in_the_change(partner_hub, partner, clock):
    tickets.issue_ticket(partner_hub, matter_id="hukou-move-in", actor=KIOSK, device_id="999")  # a kiosk
    assert rows(partner_hub) == []
    ticket = partner_ticket(partner_hub, partner)
    [row] = rows(partner_hub)
    assert row["type"] == "ticket.changed" and row["partner_id"] == partner["id"]
    assert row["object_key"] == f"ticket:{ticket['id']}" and row["status"] == "pending"
    assert row["data"]["ticket"]["token"] == ticket["token"]
    assert row["data"]["changes"] == ["ticket_issued"]
    assert row["event_id"].startswith("evt_")


def test_a_change_that_fails_writes_no_row_and_a_failing_row_undoes_the_change(
        partner_hub, partner, clerk_actor, clock, monkeypatch):
    clerk = clerk_actor()
    ticket = partner_ticket(partner_hub, partner)
    windows.open_window(partner_hub, "w16", clerk)
    before_rows, before_events = count(partner_hub, outbox), count(partner_hub, events)

    def broken(self, *args, **kwargs):
        raise RuntimeError("the outbox insert failed")

    monkeypatch.setattr(Outbox, "_insert", broken)
    with pytest.raises(RuntimeError):
        windows.call_next(partner_hub, "w16", clerk)
    monkeypatch.undo()
    assert count(partner_hub, outbox) == before_rows and count(partner_hub, events) == before_events
    assert tickets.get_ticket(partner_hub, ticket["token"])["status"] == "waiting"

    # The other way round: the rows were written, then the change rolled back.
    with pytest.raises(RuntimeError):
        with partner_hub.uow() as uow:
            assert uow.outbox.add(partner["id"], "ticket.changed", "ticket:x", {"x": 1}, clock.now())
            raise RuntimeError("the change fails after its rows were written")
    assert count(partner_hub, outbox) == before_rows

    called = windows.call_next(partner_hub, "w16", clerk)
    assert called["status"] == "called"
    assert [r["data"]["changes"] for r in rows(partner_hub)][-1] == ["ticket_called"]


def test_failing_five_times_arrives_on_the_sixth_with_every_attempt_listed(
        partner_hub, partner, simulator, clock):
    simulator.behaviour.fail = 5
    ticket = partner_ticket(partner_hub, partner)
    drain(partner_hub, clock, simulator, lambda sim: sim.accepted())
    [got] = simulator.accepted()
    assert got.body["type"] == "ticket.changed" and got.body["data"]["ticket"]["id"] == ticket["id"]
    assert len(simulator.received) == 6
    ids = {r.body["id"] for r in simulator.received}
    assert ids == {got.body["id"]}, "a redelivery keeps the event's id"
    nonces = {r.headers["X-Nonce"] for r in simulator.received}
    assert len(nonces) == 6, "every attempt is signed afresh"
    [listed] = delivery.deliveries(partner_hub, partner["id"])
    assert listed["status"] == "delivered" and listed["id"] == got.body["id"]
    assert [a["http_status"] for a in listed["attempts"]] == [503] * 5 + [200]
    times = [datetime.fromisoformat(a["at"]).timestamp() for a in listed["attempts"]]
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert gaps[-1] >= 2 * 2 ** 3 * 0.5, "the waits grow: base 2 s doubled per attempt"
    assert all(b >= a - 1 for a, b in zip(gaps, gaps[1:], strict=False)), gaps


def test_backoff_doubles_with_jitter_up_to_the_cap():
    settings = access.PartnerSettings(retry_base_s=10, retry_max_s=3600)
    assert delivery.retry_delay_s(settings, 1, 0.0) == 5
    assert delivery.retry_delay_s(settings, 1, 0.999) < 10
    assert delivery.retry_delay_s(settings, 4, 0.0) == 40
    assert delivery.retry_delay_s(settings, 30, 0.999) < 3600


def test_one_tickets_webhooks_arrive_in_order_despite_failures(partner_hub, partner, simulator, clock,
                                                               clerk_actor):
    clerk = clerk_actor()
    first = partner_ticket(partner_hub, partner)
    second = partner_ticket(partner_hub, partner)
    windows.open_window(partner_hub, "w16", clerk)
    windows.call_next(partner_hub, "w16", clerk)
    windows.start_service(partner_hub, "w16", clerk)
    windows.finish(partner_hub, "w16", clerk, "completed")
    simulator.behaviour.fail = 3
    drain(partner_hub, clock, simulator, lambda sim: len(sim.accepted()) == 5)
    of_first = [r.body["data"]["changes"][-1] for r in simulator.accepted()
                if r.body["data"]["ticket"]["id"] == first["id"]]
    assert of_first == ["ticket_issued", "ticket_called", "service_started", "ticket_finished"]
    of_second = [r.body["data"]["changes"] for r in simulator.accepted()
                 if r.body["data"]["ticket"]["id"] == second["id"]]
    assert of_second == [["ticket_issued"]]


def test_dead_after_a_day_alerts_the_managers_and_an_admin_resends(partner_hub, partner, simulator, clock):
    simulator.behaviour.fail = 10_000
    partner_ticket(partner_hub, partner)
    for _ in range(60):
        delivery.deliver_due(partner_hub)
        clock.advance(minutes=40)
        if rows(partner_hub)[0]["status"] == "dead":
            break
    [row] = rows(partner_hub)
    assert row["status"] == "dead" and row["attempts"] > 5
    assert count(partner_hub, outbox_attempts) == row["attempts"]
    [alert] = [a for a in partner_hub.publisher.alerts if a.get("code") == "webhook_dead"]
    assert alert["event_id"] == row["event_id"] and alert["device_id"] == partner["id"]
    assert delivery.deliveries(partner_hub, partner["id"], "dead")[0]["id"] == row["event_id"]

    simulator.behaviour.fail = 0
    assert delivery.resend(partner_hub, partner["id"], row["event_id"])["status"] == "pending"
    drain(partner_hub, clock, simulator, lambda sim: sim.accepted())
    assert simulator.accepted()[0].body["id"] == row["event_id"]
    assert rows(partner_hub)[0]["status"] == "delivered"


def test_two_hubs_on_one_database_deliver_each_row_once(make_hub, partner_hub, partner, simulator, clock):
    from server.services.partners.access import Partners
    from server.services.partners.secret_box import SecretBox
    from tests.integration.partners.conftest import FAST

    other = make_hub()
    other.partners = Partners(SecretBox("testing"), FAST, hub_name="hub-b")
    issued = [partner_ticket(partner_hub if i % 2 else other, partner) for i in range(12)]
    for _ in range(40):
        delivery.deliver_due(partner_hub)
        delivery.deliver_due(other)
        if len(simulator.accepted()) >= len(issued):
            break
    ids = [r.body["id"] for r in simulator.received]
    assert len(ids) == len(set(ids)) == len(issued)
    assert all(r["status"] == "delivered" for r in rows(partner_hub))
    clock.advance(seconds=1)
    assert delivery.deliver_due(partner_hub) == 0 and delivery.deliver_due(other) == 0


def test_a_lease_that_runs_out_is_delivered_again_with_the_same_id(partner_hub, partner, simulator, clock):
    partner_ticket(partner_hub, partner)
    with partner_hub.uow() as uow:  # a hub claims the row, then dies before posting
        [claimed] = uow.outbox.claim(clock.now(), "dead-hub", 30, 10)
        uow.commit()
    assert delivery.deliver_due(partner_hub) == 0
    clock.advance(seconds=31)
    assert delivery.deliver_due(partner_hub) == 1
    assert simulator.accepted()[0].body["id"] == claimed.event_id


def test_the_secret_is_sealed_and_rotation_keeps_the_old_one_for_the_overlap(partner_hub, partner, clock):
    from sqlalchemy import text

    with partner_hub.reading() as repos:
        stored = " ".join(str(v) for row in repos.conn.execute(text("SELECT * FROM partners"))
                          for v in row)
        stored += " ".join(str(v) for row in repos.conn.execute(text("SELECT * FROM devices")) for v in row)
    assert partner["secret"] not in stored and partner["key"] not in stored
    rotated = access.rotate_secret(partner_hub, partner["id"], 600)
    assert rotated["secret"] != partner["secret"] and rotated["key"] == partner["key"]
    with partner_hub.reading() as repos:
        record = repos.partners.by_id(partner["id"])
    assert access.credentials(partner_hub, record) == (partner["key"], rotated["secret"])


def test_a_nonce_is_refused_again_until_it_is_purged(partner_hub, partner, clock):
    def remember(nonce):
        with partner_hub.uow() as uow:
            fresh = uow.nonces.remember(partner["id"], nonce, clock.now())
            if fresh:
                uow.commit()
        return fresh

    assert remember("n-0000000001") and not remember("n-0000000001")
    assert remember("n-0000000002")
    clock.advance(seconds=601)
    with partner_hub.uow() as uow:
        assert uow.nonces.purge(clock.now(), 600) == 2
        uow.commit()
    assert remember("n-0000000001")


def test_after_an_outage_the_backlog_is_due_at_the_first_success(partner_hub, partner, simulator, clock):
    simulator.behaviour.fail = 10_000
    first, second = partner_ticket(partner_hub, partner), partner_ticket(partner_hub, partner)
    for _ in range(12):  # an outage of a few hours: the backoffs have grown to the cap
        delivery.deliver_due(partner_hub)
        clock.advance(seconds=partner_hub.partners.settings.retry_max_s)
    assert all(r["next_at"] > clock.now() or r["attempts"] >= 10 for r in rows(partner_hub))
    simulator.behaviour.fail = 0
    with partner_hub.uow() as uow:  # the first ticket's backoff ends now, the second's later
        uow.conn.execute(outbox.update().where(outbox.c.object_key == f"ticket:{first['id']}")
                         .values(next_at=clock.now()))
        uow.conn.execute(outbox.update().where(outbox.c.object_key == f"ticket:{second['id']}")
                         .values(next_at=clock.now() + timedelta(minutes=50)))
        uow.commit()
    assert delivery.deliver_due(partner_hub) == 1
    assert delivery.deliver_due(partner_hub) == 1, "the second is due at once, not in 50 minutes"
    assert {r.body["data"]["ticket"]["id"] for r in simulator.accepted()} == {first["id"], second["id"]}

    # A row the partner always refuses is hurried at most once per retry_max_s.
    simulator.behaviour.fail = 1
    third = partner_ticket(partner_hub, partner)
    delivery.deliver_due(partner_hub)  # fails: waits a backoff
    partner_ticket(partner_hub, partner)
    delivery.deliver_due(partner_hub)  # the fourth is delivered: the third is hurried
    with partner_hub.reading() as repos:
        hurried = repos.conn.execute(select(outbox.c.hurried_at).where(
            outbox.c.object_key == f"ticket:{third['id']}")).scalar_one()
    assert hurried == clock.now()


def test_add_writes_only_for_a_partner_with_a_webhook(partner_hub, partner, clock):
    quiet = access.create_partner(partner_hub, name="只调接口的平台")  # no webhook_url
    with partner_hub.uow() as uow:
        for nobody in (None, "999", "kiosk-1", quiet["id"]):
            assert uow.outbox.add(nobody, "rating.created", "ticket:1", {}, clock.now()) is None
        event_id = uow.outbox.add(str(partner["id"]), "rating.created", "ticket:1", {"level": 5}, clock.now())
        uow.commit()
    assert event_id.startswith("evt_")
    assert [(r["type"], r["event_id"]) for r in rows(partner_hub)] == [("rating.created", event_id)]


def test_a_hub_with_another_secret_key_records_the_failure_and_retries(make_hub, partner_hub, partner,
                                                                      simulator, clock):
    from server.services.partners.access import Partners
    from server.services.partners.secret_box import SecretBox
    from tests.integration.partners.conftest import FAST

    stranger = make_hub()
    stranger.partners = Partners(SecretBox("not the hall's key"), FAST, hub_name="stray")
    partner_ticket(partner_hub, partner)
    assert delivery.deliver_due(stranger) == 1
    [row] = rows(partner_hub)
    assert row["status"] == "pending" and "SECRET_KEY" in row["last_error"]
    assert simulator.received == []
    clock.advance(seconds=5)
    assert delivery.deliver_due(partner_hub) == 1 and simulator.accepted()
