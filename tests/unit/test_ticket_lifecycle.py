"""The ticket state machine of the contract, without a database."""

from datetime import timedelta

import pytest

from server.api.errors import http_status
from server.queueing.errors import InvalidOutcomeError, InvalidTransitionError
from server.queueing.events import (
    ServiceStarted,
    TicketCalled,
    TicketFinished,
    TicketNoShow,
    TicketRecalled,
    TicketTransferred,
)
from server.queueing.tickets import Outcome, TicketStatus, parse_outcome
from tests.unit.factories import CLERK, T0, make_ticket


def test_full_day_of_a_ticket_records_every_step():
    ticket = make_ticket()
    called = ticket.call("w16", 7, T0 + timedelta(minutes=5), CLERK)
    assert isinstance(called, TicketCalled)
    assert (ticket.status, ticket.window_id, ticket.clerk_id) == (TicketStatus.CALLED, "w16", 7)
    assert ticket.wait_s == 300

    recalled = ticket.recall(T0 + timedelta(minutes=6), CLERK)
    assert isinstance(recalled, TicketRecalled) and ticket.recalls == 1
    assert ticket.status is TicketStatus.CALLED

    started = ticket.start(T0 + timedelta(minutes=7), CLERK)
    assert isinstance(started, ServiceStarted) and ticket.status is TicketStatus.SERVING

    finished = ticket.finish(Outcome.ACCEPTED, T0 + timedelta(minutes=19), CLERK)
    assert isinstance(finished, TicketFinished)
    assert finished.data["outcome"] == "accepted"
    assert ticket.status is TicketStatus.DONE and ticket.outcome is Outcome.ACCEPTED
    assert ticket.service_s == 12 * 60
    for event in (called, recalled, started, finished):
        assert event.actor == CLERK and event.ticket_id == 1 and event.window_id == "w16"


def test_finish_straight_from_called_counts_service_from_the_call():
    ticket = make_ticket()
    ticket.call("w16", 7, T0 + timedelta(minutes=1), CLERK)
    ticket.finish(Outcome.COMPLETED, T0 + timedelta(minutes=4), CLERK)
    assert ticket.started_at == ticket.called_at
    assert ticket.service_s == 180


def test_no_show_only_after_a_call():
    ticket = make_ticket()
    with pytest.raises(InvalidTransitionError, match="waiting"):
        ticket.no_show(T0, CLERK)
    ticket.call("w16", 7, T0, CLERK)
    event = ticket.no_show(T0 + timedelta(minutes=3), CLERK)
    assert isinstance(event, TicketNoShow) and ticket.status is TicketStatus.NO_SHOW


def test_transfer_keeps_number_and_issue_time():
    ticket = make_ticket(issued_after_s=10)
    ticket.call("w16", 7, T0 + timedelta(minutes=2), CLERK)
    ticket.start(T0 + timedelta(minutes=3), CLERK)
    event = ticket.transfer("tax", T0 + timedelta(minutes=4), CLERK)
    assert isinstance(event, TicketTransferred)
    assert event.data == {"number": "B001", "from_queue": "police", "to_queue": "tax",
                          "from_window": "w16"}
    assert ticket.status is TicketStatus.WAITING and ticket.queue_id == "tax"
    assert ticket.number == "B001" and ticket.issued_at == T0 + timedelta(seconds=10)
    assert ticket.window_id is None and ticket.called_at is None and ticket.transfers == 1


@pytest.mark.parametrize("action", ["recall", "start", "finish", "transfer"])
def test_waiting_ticket_refuses_window_actions(action):
    ticket = make_ticket()
    calls = {
        "recall": lambda: ticket.recall(T0, CLERK),
        "start": lambda: ticket.start(T0, CLERK),
        "finish": lambda: ticket.finish(Outcome.COMPLETED, T0, CLERK),
        "transfer": lambda: ticket.transfer("tax", T0, CLERK),
    }
    with pytest.raises(InvalidTransitionError) as info:
        calls[action]()
    assert info.value.code == "invalid_transition" and http_status(info.value) == 409
    assert ticket.status is TicketStatus.WAITING


def test_done_ticket_cannot_be_called_again():
    ticket = make_ticket()
    ticket.call("w16", 7, T0, CLERK)
    ticket.finish(Outcome.RETURNED, T0, CLERK)
    with pytest.raises(InvalidTransitionError):
        ticket.call("w17", 8, T0, CLERK)


def test_cancel_only_while_waiting():
    ticket = make_ticket()
    event = ticket.cancel("visitor left", T0, CLERK)
    assert ticket.status is TicketStatus.CANCELLED and event.data["reason"] == "visitor left"
    with pytest.raises(InvalidTransitionError):
        ticket.cancel("again", T0, CLERK)


def test_outcomes_are_the_contracts_three():
    assert [o.value for o in Outcome] == ["completed", "accepted", "returned"]
    assert parse_outcome("returned") is Outcome.RETURNED
    with pytest.raises(InvalidOutcomeError) as info:
        parse_outcome("finished")
    assert http_status(info.value) == 400 and "completed" in info.value.message
