"""Folding the event log into ticket facts (server/queueing/facts.py)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.center_file import load_demo_center
from server.queueing.actors import Actor
from server.queueing.errors import InvalidTransitionError
from server.queueing.events import TicketIssued, WindowOpened
from server.queueing.facts import (
    TICKET_STATE_COLUMNS,
    EventRecord,
    clerk_id_of,
    fold,
    record_of,
    ticket_state,
)
from server.queueing.tickets import Outcome, Ticket, TicketStatus
from tests.unit.factories import CLERK, T0, make_ticket

CENTER = load_demo_center()
TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 3, 2)
KIOSK = Actor("device", "3", "取号机")


def issued(ticket: Ticket) -> TicketIssued:
    return TicketIssued(ticket.issued_at, KIOSK, ticket.id, None, ticket.queue_id,
                        {"number": ticket.number, "matter_id": ticket.matter_id,
                         "priority": ticket.priority, "quoted_wait_s": 120})


def fold_one(events) -> dict:
    return fold([record_of(ev, DAY) for ev in events], CENTER, TZ)


# A clerk's possible actions on a ticket; those not allowed now are refused by the core.
ACTIONS = ["call", "recall", "start", "finish", "no_show", "transfer", "cancel"]


def act(ticket: Ticket, action: str, at, outcome: Outcome, queue_id: str):
    if action == "call":
        return ticket.call("w16", 7, at, CLERK)
    if action == "recall":
        return ticket.recall(at, CLERK)
    if action == "start":
        return ticket.start(at, CLERK)
    if action == "finish":
        return ticket.finish(outcome, at, CLERK)
    if action == "no_show":
        return ticket.no_show(at, CLERK)
    if action == "transfer":
        return ticket.transfer(queue_id, at, CLERK)
    return ticket.cancel("left", at, CLERK)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 900),
                          st.sampled_from(list(Outcome)), st.sampled_from(["police", "tax"])),
                max_size=12))
def test_the_fold_of_a_tickets_events_is_the_ticket(steps):
    """Whatever the core's transitions did to a ticket, the fold of their events agrees."""
    ticket = make_ticket(5, issued_after_s=30)
    events, at, first_call = [issued(ticket)], ticket.issued_at, None
    for action, gap_s, outcome, queue_id in steps:
        at += timedelta(seconds=gap_s)
        try:
            events.append(act(ticket, action, at, outcome, queue_id))
        except InvalidTransitionError:
            continue
        if action == "call" and first_call is None:
            first_call = at
    fact = fold_one(events)[ticket.id]
    state = ticket_state(fact)
    assert state == {name: getattr(ticket, name).value if name in ("status", "outcome")
                     and getattr(ticket, name) is not None else getattr(ticket, name)
                     for name in TICKET_STATE_COLUMNS}
    assert fact.first_queue_id == "police" and fact.issued_at == ticket.issued_at
    assert fact.wait_s == (None if first_call is None else round((first_call - ticket.issued_at).total_seconds()))
    if ticket.status is TicketStatus.DONE:
        assert fact.service_s == round(ticket.service_s)
    else:
        assert fact.service_s is None


def test_a_fact_holds_the_issue_in_local_time_and_the_matters_unit():
    ticket = make_ticket(1, issued_after_s=0, priority=1)  # 09:00 in Shanghai, a Monday
    fact = fold_one([issued(ticket)])[1]
    assert (fact.hour, fact.weekday, fact.unit_id, fact.priority) == (9, 0, "police", 1)
    assert (fact.number, fact.quoted_wait_s, fact.status) == ("B001", 120, "waiting")


def test_finished_without_start_counts_service_from_the_call():
    ticket = make_ticket(1)
    events = [issued(ticket), ticket.call("w16", 7, T0 + timedelta(minutes=4), CLERK),
              ticket.finish(Outcome.ACCEPTED, T0 + timedelta(minutes=10), CLERK)]
    fact = fold_one(events)[1]
    assert (fact.wait_s, fact.service_s, fact.outcome, fact.clerk_id) == (240, 360, "accepted", 7)


def test_a_transfer_keeps_the_first_wait_and_moves_the_queue():
    ticket = make_ticket(1)
    events = [issued(ticket), ticket.call("w16", 7, T0 + timedelta(minutes=2), CLERK),
              ticket.transfer("tax", T0 + timedelta(minutes=3), CLERK),
              ticket.call("w39", 8, T0 + timedelta(minutes=9), CLERK)]
    fact = fold_one(events)[1]
    assert (fact.first_queue_id, fact.queue_id, fact.window_id) == ("police", "tax", "w39")
    assert (fact.wait_s, fact.transfers, fact.called_at) == (120, 1, T0 + timedelta(minutes=9))


def test_events_without_their_issue_and_window_events_are_left_out():
    earlier = make_ticket(1)
    today = make_ticket(2)
    rows = [record_of(earlier.call("w16", 7, T0, CLERK), DAY),
            record_of(WindowOpened(T0, CLERK, None, "w16", None, {"clerk_id": 7}), DAY),
            record_of(issued(today), DAY)]
    assert list(fold(rows, CENTER, TZ)) == [2]


def test_rows_are_read_by_attribute_like_database_rows():
    row = EventRecord(T0, DAY, TicketIssued.kind, "device:1", 9, None, "police",
                      {"number": "B009", "matter_id": "unknown-matter"})
    fact = fold([row], CENTER, TZ)[9]
    assert fact.unit_id is None and fact.quoted_wait_s is None


@pytest.mark.parametrize(("actor", "clerk"), [("user:12", 12), ("device:3", None),
                                               ("user:x", None), (None, None)])
def test_clerk_id_of_an_actor(actor, clerk):
    assert clerk_id_of(actor) == clerk
