"""The calling policy and the place in line (docs/calling-policy.md)."""

from datetime import date, timedelta

import pytest

from server.queueing.policy import (
    CALL_ORDER,
    CallContext,
    Field,
    Reached,
    SortTerm,
    ahead_of,
    choose_next,
    in_call_order,
    newcomer,
)
from server.queueing.tickets import TicketStatus
from tests.unit.factories import T0, make_ticket


def test_priority_before_everyone_else():
    early = make_ticket(1, issued_after_s=0)
    priority = make_ticket(2, issued_after_s=600, priority=1)
    assert choose_next([early, priority], ["police"]) is priority


def test_longest_waiting_across_the_windows_queues():
    police = make_ticket(1, queue_id="police", issued_after_s=120)
    tax = make_ticket(2, queue_id="tax", issued_after_s=60)
    assert choose_next([police, tax], ["police", "tax"]) is tax


def test_queue_order_breaks_an_exact_tie():
    police = make_ticket(1, queue_id="police", issued_after_s=60)
    tax = make_ticket(2, queue_id="tax", issued_after_s=60)
    assert choose_next([tax, police], ["police", "tax"]) is police
    assert choose_next([tax, police], ["tax", "police"]) is tax


def test_only_waiting_tickets_of_the_windows_queues():
    called = make_ticket(1, issued_after_s=0, status=TicketStatus.CALLED)
    other_queue = make_ticket(2, queue_id="tax", issued_after_s=1)
    waiting = make_ticket(3, issued_after_s=2)
    assert choose_next([called, other_queue, waiting], ["police"]) is waiting
    assert choose_next([called, other_queue], ["police"]) is None


def test_transferred_ticket_keeps_its_place_by_issue_time():
    late = make_ticket(1, queue_id="tax", issued_after_s=300)
    transferred = make_ticket(2, queue_id="tax", issued_after_s=10, transfers=1)
    assert choose_next([late, transferred], ["tax"]) is transferred


def test_ahead_counts_priority_and_earlier_tickets_only():
    tickets = [make_ticket(i, issued_after_s=i * 10) for i in range(1, 6)]
    vip = make_ticket(9, issued_after_s=100, priority=1)
    everyone = [*tickets, vip]
    assert ahead_of(tickets[0], everyone) == 1  # only the priority ticket
    assert ahead_of(tickets[4], everyone) == 5
    assert ahead_of(vip, everyone) == 0


def test_ahead_counts_only_the_tickets_own_queue():
    mine = make_ticket(2, issued_after_s=20)
    other_queue = make_ticket(1, queue_id="tax", issued_after_s=0)
    assert ahead_of(mine, [other_queue, mine]) == 0


def test_a_newcomer_comes_after_everyone_of_its_priority_and_above():
    tickets = [make_ticket(1, issued_after_s=0), make_ticket(2, issued_after_s=0, priority=1),
               make_ticket(3, issued_after_s=5, status=TicketStatus.CALLED)]
    assert ahead_of(newcomer("police", date(2026, 3, 2), 0), tickets) == 2
    assert ahead_of(newcomer("police", date(2026, 3, 2), 1), tickets) == 1
    assert ahead_of(newcomer("police", date(2026, 3, 2), 2), tickets) == 0


def test_a_rule_is_one_more_term():
    """How the next rule (appointments whose slot has begun) would be written: a term."""
    walk_in = make_ticket(1, issued_after_s=0)
    booked = make_ticket(2, issued_after_s=60, called_at=T0 + timedelta(seconds=30))  # stands in
    priority = make_ticket(3, issued_after_s=120, priority=1)
    order = (CALL_ORDER[0], SortTerm(Reached("called_at"), descending=True), *CALL_ORDER[1:])
    everyone = [walk_in, booked, priority]
    assert choose_next(everyone, ["police"]) is priority
    assert in_call_order(everyone, CallContext(("police",), T0 + timedelta(seconds=40)), order) == [
        priority, booked, walk_in]
    assert in_call_order(everyone, CallContext(("police",), T0 + timedelta(seconds=10)), order) == [
        priority, walk_in, booked]  # not begun yet: an ordinary place
    assert ahead_of(walk_in, everyone, now=T0 + timedelta(seconds=40), order=order) == 2


def test_a_time_term_needs_the_time():
    order = (SortTerm(Reached("called_at")), SortTerm(Field("id")))
    timed = make_ticket(1)
    timed.called_at = T0
    with pytest.raises(ValueError, match="needs the time"):
        choose_next([timed, make_ticket(2)], ["police"], order=order)
    # A ticket that never had the time has not reached it, whatever the time.
    assert choose_next([make_ticket(1), make_ticket(2)], ["police"], order=order).id == 1


def test_a_checked_in_appointment_goes_after_priority_and_before_older_walk_ins():
    """The rule of CALL_ORDER itself (docs/calling-policy.md, appointments)."""
    walk_ins = [make_ticket(i, issued_at=T0 + timedelta(minutes=i)) for i in (1, 2, 3)]
    booked = make_ticket(4, issued_at=T0 + timedelta(minutes=10))
    booked.slot_start = T0 + timedelta(minutes=20)
    priority = make_ticket(5, issued_at=T0 + timedelta(minutes=30), priority=1)
    everyone = [*walk_ins, booked, priority]
    before_slot = T0 + timedelta(minutes=15)
    in_slot = T0 + timedelta(minutes=25)
    assert [t.id for t in in_call_order(everyone, CallContext(("police",), in_slot))] == [5, 4, 1, 2, 3]
    assert [t.id for t in in_call_order(everyone, CallContext(("police",), before_slot))] == [5, 1, 2, 3, 4]
    assert ahead_of(walk_ins[0], everyone, now=in_slot) == 2
