"""The calling policy and the place in line (docs/calling-policy.md)."""

from server.queueing.policy import ahead_of, choose_next
from server.queueing.tickets import TicketStatus
from tests.unit.factories import make_ticket


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
