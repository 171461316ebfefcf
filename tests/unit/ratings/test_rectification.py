"""The rectification state machine: every allowed move, every refused one, with a clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.queueing.actors import Actor
from server.queueing.clock import ManualClock
from server.queueing.errors import InvalidFieldError, InvalidTransitionError, MissingFieldError
from server.queueing.ratings import parse_rating
from server.queueing.rectification import MOVES, Rectification
from server.queueing.rectification import RectificationStatus as S

MANAGER = Actor("user", "2", "大厅主任", "manager")
SUPERVISOR = Actor("user", "3", "效能监察", "supervisor")
VISITOR = Actor("visitor", "anonymous")
START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
DUE = START + timedelta(days=21)

# Every action with arguments that would make it succeed from its source status.
CALLS = {
    "verify": lambda r, now: r.verify("valid", "核实属实", MANAGER, now),
    "review": lambda r, now: r.review("upheld", "申诉不成立", SUPERVISOR, now),
    "rectify": lambda r, now: r.rectify("已批评教育并培训", MANAGER, now),
    "callback": lambda r, now: r.callback(True, "已回访", MANAGER, now, level=4),
}
# A path from open to each status.
PATHS = {
    S.OPEN: [],
    S.RECTIFYING: [("verify", "valid")],
    S.APPEALED: [("verify", "disputed")],
    S.OVERTURNED: [("verify", "disputed"), ("review", "overturned")],
    S.RECTIFIED: [("verify", "valid"), ("rectify", None)],
    S.CLOSED: [("verify", "valid"), ("rectify", None), ("callback", False)],
}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def opened(clock) -> Rectification:
    return Rectification.open(7, 1, clock.now(), DUE, VISITOR)


def brought_to(status: S, clock) -> Rectification:
    item = opened(clock)
    for action, choice in PATHS[status]:
        clock.advance(minutes=5)
        if action == "verify":
            item.verify(choice, "n", MANAGER, clock.now())
        elif action == "review":
            item.review(choice, "n", SUPERVISOR, clock.now())
        elif action == "rectify":
            item.rectify("n", MANAGER, clock.now())
        else:
            item.callback(choice, "n", MANAGER, clock.now())
    assert item.status is status
    return item


def test_a_bad_rating_opens_one_and_a_good_one_does_not(clock):
    item = opened(clock)
    assert item.status is S.OPEN
    assert item.history[0].action == "opened" and item.history[0].at == START
    assert Rectification.open(7, 2, START, DUE, VISITOR).status is S.OPEN
    for level in (3, 4, 5, 0, True):
        with pytest.raises(ValueError):
            Rectification.open(7, level, START, DUE, VISITOR)


def test_the_main_path_records_every_step_with_actor_and_time(clock):
    item = opened(clock)
    clock.advance(hours=1)
    item.verify("valid", "核实属实", MANAGER, clock.now())
    assert item.status is S.RECTIFYING
    clock.advance(days=2)
    item.rectify("已整改", MANAGER, clock.now())
    assert item.status is S.RECTIFIED
    clock.advance(days=1)
    step = item.callback(True, "已电话回访", MANAGER, clock.now(), level=4)
    assert item.status is S.CLOSED
    assert step.detail == {"reached": True, "level": 4}
    assert [s.action for s in item.history] == ["opened", "verify", "rectify", "callback"]
    assert [s.at for s in item.history] == [START, START + timedelta(hours=1),
                                            START + timedelta(days=2, hours=1),
                                            START + timedelta(days=3, hours=1)]
    assert item.history[1].actor == MANAGER and item.history[1].note == "核实属实"
    assert item.history[1].detail == {"finding": "valid"}


def test_the_appeal_paths(clock):
    upheld = brought_to(S.APPEALED, clock)
    upheld.review("upheld", "评价属实", SUPERVISOR, clock.now())
    assert upheld.status is S.RECTIFYING
    overturned = brought_to(S.APPEALED, clock)
    overturned.review("overturned", "恶意评价", SUPERVISOR, clock.now())
    assert overturned.status is S.OVERTURNED
    assert overturned.allowed_actions() == []


def test_a_callback_that_does_not_reach_the_visitor_still_closes(clock):
    item = brought_to(S.RECTIFIED, clock)
    item.callback(False, "电话无人接听，已短信告知", MANAGER, clock.now())
    assert item.status is S.CLOSED
    assert item.history[-1].detail == {"reached": False}


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", list(CALLS))
def test_every_move_from_every_status(status, action, clock):
    """Allowed exactly where MOVES says; refused with invalid_transition everywhere else,
    leaving the status and the history as they were."""
    item = brought_to(status, clock)
    before = (item.status, list(item.history))
    source, _targets = MOVES[action]
    if status is source:
        CALLS[action](item, clock.now())
        assert item.status is not status
        assert item.history[-1].action == action
    else:
        with pytest.raises(InvalidTransitionError) as caught:
            CALLS[action](item, clock.now())
        assert caught.value.code == "invalid_transition"
        assert (item.status, item.history) == before


@pytest.mark.parametrize("action", ["verify", "review", "rectify", "callback"])
@pytest.mark.parametrize("note", [None, "", "   "])
def test_a_missing_note_is_missing_field_and_changes_nothing(action, note, clock):
    item = brought_to(MOVES[action][0], clock)
    status = item.status
    calls = {
        "verify": lambda: item.verify("valid", note, MANAGER, clock.now()),
        "review": lambda: item.review("upheld", note, SUPERVISOR, clock.now()),
        "rectify": lambda: item.rectify(note, MANAGER, clock.now()),
        "callback": lambda: item.callback(True, note, MANAGER, clock.now()),
    }
    with pytest.raises(MissingFieldError) as caught:
        calls[action]()
    assert caught.value.code == "missing_field"
    assert item.status is status


def test_bad_choices_are_refused(clock):
    item = opened(clock)
    with pytest.raises(InvalidFieldError):
        item.verify("maybe", "n", MANAGER, clock.now())
    with pytest.raises(MissingFieldError):
        item.verify(None, "n", MANAGER, clock.now())
    appealed = brought_to(S.APPEALED, clock)
    with pytest.raises(InvalidFieldError):
        appealed.review("valid", "n", SUPERVISOR, clock.now())
    rectified = brought_to(S.RECTIFIED, clock)
    with pytest.raises(MissingFieldError):
        rectified.callback(None, "n", MANAGER, clock.now())
    with pytest.raises(InvalidFieldError):
        rectified.callback("yes", "n", MANAGER, clock.now())
    with pytest.raises(InvalidFieldError):
        rectified.callback(True, "n", MANAGER, clock.now(), level=6)
    with pytest.raises(InvalidFieldError):
        rectified.callback(True, 42, MANAGER, clock.now())  # a note that is no text
    assert item.status is S.OPEN and appealed.status is S.APPEALED and rectified.status is S.RECTIFIED


def test_overdue_follows_the_clock_until_closed_or_overturned(clock):
    item = opened(clock)
    assert not item.overdue(clock.now())
    assert not item.overdue(DUE)
    assert item.overdue(DUE + timedelta(seconds=1))
    closed = brought_to(S.CLOSED, clock)
    assert not closed.overdue(DUE + timedelta(days=30))
    overturned = brought_to(S.OVERTURNED, clock)
    assert not overturned.overdue(DUE + timedelta(days=30))
    rectified = brought_to(S.RECTIFIED, clock)
    assert rectified.overdue(DUE + timedelta(days=1))  # done, but the visitor not yet told


def test_rating_fields():
    assert parse_rating(5).level == 5
    parsed = parse_rating(1, ["long_wait", "attitude", "long_wait"], "  等了两个小时 ")
    assert parsed.reasons == ("long_wait", "attitude") and parsed.comment == "等了两个小时"
    for level in (0, 6, "5", 4.0, True, None):
        with pytest.raises(InvalidFieldError):
            parse_rating(level)
    with pytest.raises(InvalidFieldError):
        parse_rating(2, ["rude"])
    with pytest.raises(InvalidFieldError):
        parse_rating(2, "long_wait")
    with pytest.raises(InvalidFieldError):
        parse_rating(2, [], "x" * 501)
