"""The supervision rules (电子监察) with a controlled clock: each fires once, at its
threshold, not before and not twice; waits and absences skip the lunch break."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.center_file import load_demo_center
from server.queueing.clock import ManualClock
from server.queueing.facts import EventRecord
from server.queueing.hours import ServiceHours
from server.queueing.rules import SupervisionRules
from server.queueing.supervision import (
    Due,
    TicketTracks,
    Watch,
    WindowWatch,
    case_overdue,
    long_wait,
    quick_no_show,
    rectification_overdue,
    transfer_loop,
    window_unattended,
)
from server.queueing.windows import WindowStatus

TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 3, 2)  # a Monday; the demo hall opens 09:00-12:00 and 14:00-17:30
CENTER = load_demo_center()
RULES = SupervisionRules()
MATTER = "pension-insurance-enrol"  # queue social-insurance, windows w01..w08


def at(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute, second, tzinfo=TZ)


def ev(kind, when, ticket=1, queue="social-insurance", window=None, actor="user:7", **data):
    return EventRecord(when, DAY, kind, actor, ticket, window, queue, data or None)


def issued(ticket, when, queue="social-insurance"):
    return ev("ticket_issued", when, ticket, queue, actor="device:1", number=f"A{ticket:03d}",
              matter_id=MATTER)


def fired(rule, clock: ManualClock, until: datetime, step_s: int = 10) -> list:
    """Evaluate ``rule(now)`` every ``step_s`` until ``until``; the findings reported once each."""
    watch, reported = Watch(), []
    while clock.now() <= until:
        for finding in watch.fresh(rule(clock.now())):
            reported.append((clock.now(), finding))
        clock.advance(step_s)
    return reported


# --- opening time --------------------------------------------------------------------------
def test_open_seconds_and_after_open_skip_lunch_and_the_evening():
    hall = CENTER.hours
    assert hall.open_seconds(at(11, 30), at(14, 30)) == 3600
    assert hall.after_open(at(11, 30), 3600) == at(14, 30)
    assert hall.after_open(at(12, 30), 0) == at(14, 0)
    assert hall.after_open(at(17, 0), 3600) == at(9, 30) + timedelta(days=1)
    assert ServiceHours().after_open(at(11, 30), 60) == at(11, 31)


# --- long_wait -----------------------------------------------------------------------------
def test_long_wait_fires_once_at_the_threshold():
    tracks = TicketTracks(CENTER)
    tracks.feed([issued(1, at(9, 10))])
    clock = ManualClock(at(9, 0))
    reported = fired(lambda now: long_wait(tracks, RULES, CENTER.hours, TZ, now), clock, at(11, 0))
    assert len(reported) == 1
    seen_at, finding = reported[0]
    assert finding.at == at(10, 10) and seen_at == at(10, 10)  # not before
    assert finding.key == "long_wait:1:0" and finding.ticket_number == "A001"
    assert finding.unit_id == "social-insurance"


def test_long_wait_across_lunch_counts_only_opening_time():
    tracks = TicketTracks(CENTER)
    tracks.feed([issued(1, at(11, 40))])
    clock = ManualClock(at(11, 40))
    reported = fired(lambda now: long_wait(tracks, RULES, CENTER.hours, TZ, now), clock, at(15, 0), 60)
    assert [f.at for _, f in reported] == [at(14, 40)]  # 20 minutes before lunch, 40 after


def test_long_wait_called_in_time_never_fires_and_one_called_late_still_does():
    tracks = TicketTracks(CENTER)
    tracks.feed([issued(1, at(9, 0)), ev("ticket_called", at(9, 59), 1, window="w01"),
                 issued(2, at(9, 0)), ev("ticket_called", at(10, 5), 2, window="w02")])
    findings = long_wait(tracks, RULES, CENTER.hours, TZ, at(12, 0))
    assert [f.ticket_id for f in findings] == [2]
    assert findings[0].at == at(10, 0)


def test_a_transfer_starts_a_new_wait():
    tracks = TicketTracks(CENTER)
    tracks.feed([issued(1, at(9, 0)), ev("ticket_called", at(9, 30), 1, window="w01"),
                 ev("ticket_transferred", at(9, 40), 1, window="w01", from_queue="social-insurance",
                    to_queue="police")])
    assert long_wait(tracks, RULES, CENTER.hours, TZ, at(10, 39)) == []
    assert [f.key for f in long_wait(tracks, RULES, CENTER.hours, TZ, at(10, 40))] == ["long_wait:1:1"]


# --- quick_no_show (刷号) -------------------------------------------------------------------
@pytest.mark.parametrize(("after_s", "fires"), [(5, True), (29, True), (30, False), (120, False)])
def test_quick_no_show_is_a_no_show_this_soon_after_the_first_call(after_s, fires):
    tracks = TicketTracks(CENTER)
    call = at(10, 0)
    tracks.feed([issued(1, at(9, 50)), ev("ticket_called", call, 1, window="w03"),
                 ev("ticket_recalled", call + timedelta(seconds=after_s / 2), 1, window="w03"),
                 ev("ticket_no_show", call + timedelta(seconds=after_s), 1, window="w03")])
    clock = ManualClock(call)
    reported = fired(lambda now: quick_no_show(tracks, RULES, now), clock, call + timedelta(minutes=5), 1)
    assert len(reported) == (1 if fires else 0)
    if fires:
        seen_at, finding = reported[0]
        assert seen_at == finding.at == call + timedelta(seconds=after_s)
        assert (finding.user_id, finding.window_id) == (7, "w03")


def test_quick_no_show_off_with_zero_seconds():
    tracks = TicketTracks(CENTER)
    tracks.feed([issued(1, at(9, 50)), ev("ticket_called", at(10), 1, window="w03"),
                 ev("ticket_no_show", at(10), 1, window="w03")])
    assert quick_no_show(tracks, SupervisionRules(quick_no_show_seconds=0), at(11)) == []


# --- transfer_loop ---------------------------------------------------------------------------
def _transfer(ticket, when, source, target):
    return ev("ticket_transferred", when, ticket, source, window="w01", from_queue=source, to_queue=target)


def test_the_third_transfer_is_a_loop_once():
    tracks = TicketTracks(CENTER)
    tracks.feed([issued(1, at(9)), _transfer(1, at(9, 10), "social-insurance", "police"),
                 _transfer(1, at(9, 20), "police", "justice")])
    assert transfer_loop(tracks, RULES, at(12)) == []
    tracks.feed([_transfer(1, at(9, 30), "justice", "hrss"), _transfer(1, at(9, 40), "hrss", "employment")])
    findings = transfer_loop(tracks, RULES, at(12))
    assert [(f.key, f.at, f.detail["transfers"]) for f in findings] == [("transfer_loop:1", at(9, 30), 3)]


def test_back_to_a_queue_it_left_is_a_loop():
    tracks = TicketTracks(CENTER)
    tracks.feed([issued(1, at(9)), _transfer(1, at(9, 10), "social-insurance", "police"),
                 _transfer(1, at(9, 20), "police", "social-insurance")])
    findings = transfer_loop(tracks, RULES, at(12))
    assert [(f.at, f.detail["back_to"]) for f in findings] == [(at(9, 20), "social-insurance")]
    assert transfer_loop(tracks, RULES, at(9, 19)) == []  # not before


# --- window_unattended -----------------------------------------------------------------------
def _unattended(tracks, windows):
    return lambda now: window_unattended(windows, CENTER, tracks.waiting_since_by_queue(), RULES, TZ, DAY, now)


def test_a_window_never_opened_fires_once_when_both_thresholds_hold():
    tracks = TicketTracks(CENTER)
    tracks.feed([issued(1, at(9, 5))])
    windows = [WindowWatch("w01", WindowStatus.CLOSED, at(17, 30) - timedelta(days=1))]
    clock = ManualClock(at(8, 0))
    reported = fired(_unattended(tracks, windows), clock, at(11, 0), 30)
    # absent 20 minutes of opening time at 09:20; a visitor has waited 15 minutes at 09:20
    assert [(seen, f.at, f.key) for seen, f in reported] == [
        (at(9, 20), at(9, 20), "window_unattended:w01:2026-03-02:day")]


def test_a_pause_over_lunch_counts_opening_time_only():
    tracks = TicketTracks(CENTER)
    tracks.feed([issued(1, at(11, 0))])
    windows = [WindowWatch("w02", WindowStatus.PAUSED, at(11, 50), user_id=7)]
    clock = ManualClock(at(11, 50))
    reported = fired(_unattended(tracks, windows), clock, at(15, 0), 60)
    assert [f.at for _, f in reported] == [at(14, 10)]  # 10 minutes before lunch, 10 after
    assert reported[0][1].user_id == 7


def test_an_open_window_or_an_empty_queue_never_fires():
    tracks = TicketTracks(CENTER)
    windows = [WindowWatch("w01", WindowStatus.CLOSED, None)]
    assert _unattended(tracks, windows)(at(16)) == []  # nobody waits
    tracks.feed([issued(1, at(9))])
    assert _unattended(tracks, [WindowWatch("w01", WindowStatus.OPEN, at(9))])(at(16)) == []
    tracks.feed([ev("ticket_called", at(9, 16), 1, window="w02")])
    assert _unattended(tracks, windows)(at(16)) == []  # the visitor was called


def test_a_new_absence_is_a_new_occurrence():
    tracks = TicketTracks(CENTER)
    tracks.feed([issued(1, at(9))])
    first = _unattended(tracks, [WindowWatch("w01", WindowStatus.PAUSED, at(9, 30))])(at(10))
    second = _unattended(tracks, [WindowWatch("w01", WindowStatus.CLOSED, at(10, 30))])(at(11))
    assert len(first) == len(second) == 1 and first[0].key != second[0].key


# --- overdue rectifications and cases --------------------------------------------------------
def test_overdue_fires_at_the_due_date_unless_finished_in_time():
    due = at(17, 30)
    items = [Due(5, due, None, unit_id="police"), Due(6, due, due - timedelta(hours=1)),
             Due(7, due, due + timedelta(hours=1))]
    clock = ManualClock(at(17, 0))
    reported = fired(lambda now: rectification_overdue(items, now), clock, at(18, 0), 60)
    assert [(seen, f.key, f.rectification_id) for seen, f in reported] == [
        (due, "rectification_overdue:5", 5), (due, "rectification_overdue:7", 7)]


def test_case_overdue_takes_case_numbers():
    items = [Due("2026-police-000123", at(17, 30), None, unit_id="police")]
    assert case_overdue(items, at(17, 29)) == []
    findings = case_overdue(items, at(17, 30))
    assert [(f.key, f.case_no, f.at) for f in findings] == [
        ("case_overdue:2026-police-000123", "2026-police-000123", at(17, 30))]
