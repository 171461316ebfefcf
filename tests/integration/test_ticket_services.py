"""Issuing, calling and serving through the real services on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.api.errors import http_status
from server.db.tables import events, number_counters
from server.queueing.actors import Actor
from server.queueing.errors import (
    QueueEmptyError,
    UnknownMatterError,
    UnknownQueueError,
    WindowBusyError,
    WindowPausedError,
)
from server.services.counter import windows
from server.services.errors import NotWindowClerkError
from server.services.issuing import tickets

KIOSK = Actor("device", "1", "kiosk", "kiosk")


def issue(hub, matter="hukou-move-in", **kw):
    return tickets.issue_ticket(hub, matter_id=matter, actor=KIOSK, **kw)[0]


def test_numbers_run_per_prefix_and_restart_each_service_day(service_hub, clock):
    assert [issue(service_hub)["number"] for _ in range(3)] == ["B001", "B002", "B003"]
    tax_matter = service_hub.center.matters_of_queue("tax")[0].id
    assert issue(service_hub, tax_matter)["number"] == "N001"
    # 23:59 in Shanghai is still the same day; 00:00 is the next one (16:00 UTC).
    clock.set(clock.now().replace(hour=15, minute=59))
    assert issue(service_hub)["number"] == "B004"
    clock.advance(minutes=1)
    assert issue(service_hub)["number"] == "B001"


def test_numbers_past_999_and_the_issue_event_as_stored(service_hub):
    """PostgreSQL draws the number and writes the ticket and its event in one statement
    (the number formatted in SQL): the same numbers and the same event row as SQLite's."""
    with service_hub.uow() as uow:
        uow.numbers.next(service_hub.today(), "B")
        uow.conn.execute(number_counters.update().values(last_number=998))
        uow.commit()
    issued = [issue(service_hub) for _ in range(3)]
    assert [t["number"] for t in issued] == ["B999", "B1000", "B1001"]
    with service_hub.reading() as repos:
        row = repos.conn.execute(select(events).where(events.c.ticket_id == issued[1]["id"])).one()
        stored = repos.tickets.get(issued[1]["id"])
    assert (row.kind, row.actor, row.queue_id, row.window_id) == ("ticket_issued", str(KIOSK), "police", None)
    assert row.data == {"number": "B1000", "matter_id": "hukou-move-in", "priority": 0,
                        "quoted_wait_s": issued[1]["quoted_wait_s"]}
    assert row.at == stored.issued_at and row.service_day == stored.service_day
    assert (stored.sequence, stored.number, stored.token) == (1000, "B1000", issued[1]["token"])


def test_idempotency_key_returns_the_same_ticket_that_day(service_hub, clock):
    first, created = tickets.issue_ticket(service_hub, matter_id="hukou-move-in", actor=KIOSK,
                                          idempotency_key="kiosk1-0001")
    again, created_again = tickets.issue_ticket(service_hub, matter_id="hukou-move-in", actor=KIOSK,
                                                idempotency_key="kiosk1-0001")
    assert created and not created_again
    assert again["id"] == first["id"] and again["number"] == first["number"]
    assert issue(service_hub)["number"] == "B002"  # the retry used no number
    clock.advance(days=1)
    next_day, created = tickets.issue_ticket(service_hub, matter_id="hukou-move-in", actor=KIOSK,
                                             idempotency_key="kiosk1-0001")
    assert created and next_day["id"] != first["id"]


def test_unknown_matter_changes_nothing(service_hub):
    with pytest.raises(UnknownMatterError) as info:
        issue(service_hub, "no-such-matter")
    assert http_status(info.value) == 422
    assert issue(service_hub)["number"] == "B001"


def test_ahead_and_estimate_follow_the_line(service_hub, clerk_actor):
    first, second, third = issue(service_hub), issue(service_hub), issue(service_hub)
    assert [first["ahead"], second["ahead"], third["ahead"]] == [0, 1, 2]
    assert first["estimated_wait_s"] < second["estimated_wait_s"] < third["estimated_wait_s"]
    vip = issue(service_hub, priority=True, priority_reason="elderly")
    assert vip["ahead"] == 0 and vip["priority"] == 1
    assert tickets.get_ticket(service_hub, third["token"])["ahead"] == 3


def test_a_walk_ins_ticket_is_three_statements_on_sqlite_and_two_on_postgresql(service_hub):
    """SQLite draws the number and counts those ahead in one statement (the counter's
    upsert returns the count), then the ticket and its event: three statements and the
    commit. PostgreSQL: the count, then the one statement. The same answers either way
    (the line test above; the property test holds the count to the core's)."""
    issue(service_hub)  # the statements' first compilation, the loads read
    service_hub.load._loads_until = float("inf")  # no re-read of the windows' loads in between
    trips = service_hub.db.count_round_trips(lambda: "issue")
    second = issue(service_hub)
    third = issue(service_hub, priority=True, priority_reason="elderly")
    by_kind = trips.snapshot()["by_kind"]
    assert by_kind["statement"] == (6 if service_hub.db.is_sqlite else 4)
    assert (second["number"], second["ahead"], third["number"], third["ahead"]) == ("B002", 1, "B003", 0)


def test_call_serve_finish_and_the_event_log(service_hub, clerk_actor, clock):
    clerk = clerk_actor()
    ticket = issue(service_hub)
    windows.open_window(service_hub, "w16", clerk)
    clock.advance(minutes=4)
    called = windows.call_next(service_hub, "w16", clerk)
    assert called["id"] == ticket["id"] and called["status"] == "called"
    assert called["window_number"] == 16
    with pytest.raises(WindowBusyError):
        windows.call_next(service_hub, "w16", clerk)
    windows.recall(service_hub, "w16", clerk)
    windows.start_service(service_hub, "w16", clerk)
    clock.advance(minutes=9)
    done = windows.finish(service_hub, "w16", clerk, "accepted")
    assert done["status"] == "done" and done["outcome"] == "accepted"
    with service_hub.reading() as repos:
        rows = repos.conn.execute(select(events.c.kind, events.c.actor, events.c.window_id)
                                  .order_by(events.c.id)).all()
    assert [r.kind for r in rows] == ["ticket_issued", "window_opened", "ticket_called",
                                      "ticket_recalled", "service_started", "ticket_finished",
                                      "case_opened"]  # accepted: the case, in the same commit
    assert rows[0].actor == "device:1"
    assert all(r.actor == f"user:{clerk.id}" for r in rows[1:])
    assert service_hub.publisher.kinds()[-2:] == ["ticket_finished", "case_opened"]


def test_policy_priority_then_longest_wait_across_queues(service_hub, clerk_actor, clock):
    # Comprehensive window 1 (w69) serves one queue; use a police window and transfer
    # to build a cross-queue case instead: police B and transfers into tax.
    clerk = clerk_actor()
    tax_matter = service_hub.center.matters_of_queue("tax")[0].id
    early_police = issue(service_hub)
    clock.advance(seconds=30)
    tax = issue(service_hub, tax_matter)
    clock.advance(seconds=30)
    late_police = issue(service_hub)
    clock.advance(seconds=30)
    vip = issue(service_hub, priority=1)
    windows.open_window(service_hub, "w16", clerk)
    order = []
    for _ in range(3):
        order.append(windows.call_next(service_hub, "w16", clerk)["id"])
        windows.finish(service_hub, "w16", clerk, "completed")
    assert order == [vip["id"], early_police["id"], late_police["id"]]
    with pytest.raises(QueueEmptyError):
        windows.call_next(service_hub, "w16", clerk)
    assert tickets.get_ticket(service_hub, tax["token"])["status"] == "waiting"


def test_transfer_keeps_number_and_place(service_hub, clerk_actor, clock):
    clerk, tax_clerk = clerk_actor("clerk1"), clerk_actor("clerk2")
    tax_matter = service_hub.center.matters_of_queue("tax")[0].id
    police = issue(service_hub)
    clock.advance(minutes=1)
    later_tax = issue(service_hub, tax_matter)
    windows.open_window(service_hub, "w16", clerk)
    windows.call_next(service_hub, "w16", clerk)
    with pytest.raises(UnknownQueueError):
        windows.transfer(service_hub, "w16", clerk, "no-such-queue")
    moved = windows.transfer(service_hub, "w16", clerk, "tax")
    assert moved["status"] == "waiting" and moved["number"] == police["number"]
    assert moved["queue_id"] == "tax" and moved["ahead"] == 0
    tax_window = service_hub.center.queue("tax").window_ids[0]
    windows.open_window(service_hub, tax_window, tax_clerk)
    assert windows.call_next(service_hub, tax_window, tax_clerk)["id"] == police["id"]
    windows.finish(service_hub, tax_window, tax_clerk, "completed")
    assert windows.call_next(service_hub, tax_window, tax_clerk)["id"] == later_tax["id"]


def test_no_show_pause_and_resume(service_hub, clerk_actor):
    clerk = clerk_actor()
    issue(service_hub), issue(service_hub)
    windows.open_window(service_hub, "w16", clerk)
    windows.call_next(service_hub, "w16", clerk)
    assert windows.no_show(service_hub, "w16", clerk)["status"] == "no_show"
    paused = windows.pause_window(service_hub, "w16", clerk, "系统维护")
    assert paused["status"] == "paused" and paused["paused_reason"] == "系统维护"
    with pytest.raises(WindowPausedError):
        windows.call_next(service_hub, "w16", clerk)
    windows.resume_window(service_hub, "w16", clerk)
    assert windows.call_next(service_hub, "w16", clerk)["number"] == "B002"


def test_only_the_windows_clerk_acts(service_hub, clerk_actor):
    owner, other = clerk_actor("clerk1"), clerk_actor("clerk2")
    issue(service_hub)
    windows.open_window(service_hub, "w16", owner)
    with pytest.raises(NotWindowClerkError):
        windows.call_next(service_hub, "w16", other)
    with pytest.raises(NotWindowClerkError):
        windows.close_window(service_hub, "w16", other)


def test_restart_loses_nothing(make_hub, clerk_actor, clock):
    hub = make_hub()
    clerk = clerk_actor()
    waiting = [issue(hub) for _ in range(3)]
    windows.open_window(hub, "w16", clerk)
    windows.call_next(hub, "w16", clerk)

    restarted = make_hub()  # a new process on the same database
    state = windows.get_window_state(restarted, "w16")
    assert state["window"]["status"] == "open" and state["window"]["clerk"]["id"] == int(clerk.id)
    assert state["current"]["number"] == waiting[0]["number"]
    assert [t["number"] for t in state["waiting"]] == [waiting[1]["number"], waiting[2]["number"]]
    assert issue(restarted)["number"] == "B004"
    windows.finish(restarted, "w16", clerk, "completed")
    assert windows.call_next(restarted, "w16", clerk)["number"] == "B002"


def test_call_specific_ticket_out_of_turn(service_hub, clerk_actor, clock):
    clerk = clerk_actor()
    first, second = issue(service_hub), issue(service_hub)
    windows.open_window(service_hub, "w16", clerk)
    called = windows.call_ticket(service_hub, "w16", clerk, second["id"])
    assert called["id"] == second["id"]
    windows.finish(service_hub, "w16", clerk, "completed")
    assert windows.call_next(service_hub, "w16", clerk)["id"] == first["id"]


def test_quoted_wait_is_kept_for_accuracy_reports(service_hub, clock):
    ticket = issue(service_hub)
    clock.advance(timedelta(minutes=1).total_seconds())
    assert tickets.get_ticket(service_hub, ticket["token"])["quoted_wait_s"] == ticket["estimated_wait_s"]


def test_a_new_day_closes_what_yesterday_left_open(service_hub, clerk_actor, clock):
    from server.services.day_close import close_past_days

    clerk = clerk_actor()
    waiting, called, serving = issue(service_hub), issue(service_hub), issue(service_hub)
    other_clerk = clerk_actor("clerk2")
    windows.open_window(service_hub, "w16", clerk)
    windows.open_window(service_hub, "w17", other_clerk)
    windows.call_ticket(service_hub, "w16", clerk, serving["id"])
    windows.start_service(service_hub, "w16", clerk)
    windows.call_ticket(service_hub, "w17", other_clerk, called["id"])
    assert close_past_days(service_hub) == 0  # same day: nothing to close

    clock.advance(hours=20)  # the next morning in Shanghai
    assert close_past_days(service_hub) == 3  # waiting, called, and window w17
    assert tickets.get_ticket(service_hub, waiting["token"])["status"] == "cancelled"
    assert tickets.get_ticket(service_hub, called["token"])["status"] == "no_show"
    assert tickets.get_ticket(service_hub, serving["token"])["status"] == "serving"
    assert windows.get_window_state(service_hub, "w17")["window"]["status"] == "closed"
    assert windows.get_window_state(service_hub, "w16")["window"]["status"] == "open"
    assert close_past_days(service_hub) == 0  # idempotent
    with service_hub.reading() as repos:
        kinds = [r.kind for r in repos.conn.execute(
            select(events.c.kind).where(events.c.actor == "system:hub")).all()]
    assert sorted(kinds) == ["ticket_cancelled", "ticket_no_show", "window_closed"]
