"""办件 in the core: the case number, its state machine, and the due date across a holiday."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.queueing.actors import Actor
from server.queueing.cases import (
    Case,
    CaseNotReadyError,
    CasePickedUpError,
    CaseStatus,
    format_case_no,
    normalize_case_no,
)
from server.queueing.errors import InvalidFieldError, InvalidTransitionError
from server.queueing.hours import ServiceHours
from server.queueing.working_days import CalendarOverrides, HolidayData, WorkingCalendar

TZ = ZoneInfo("Asia/Shanghai")
CLERK = Actor("user", "7", "王芳", "clerk")
HALL_HOURS = ServiceHours.parse(["09:00-12:00", "14:00-17:30"])
# A hall's own National Day week for the test: closed 1-7 October, open Saturday the 10th.
NATIONAL_DAY = HolidayData(holidays=frozenset(date(2026, 10, d) for d in range(1, 8)),
                           workdays=frozenset({date(2026, 10, 10)}), years=frozenset({2026}))


def a_case(**changes) -> Case:
    accepted = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)
    values = dict(id=1, case_no="2026-POLICE-0001", status=CaseStatus.IN_PROGRESS, ticket_id=5,
                  number="B007", matter_id="hukou-move-in", unit_id="police",
                  accepted_at=accepted, due_at=accepted + timedelta(days=9))
    return Case(**{**values, **changes})


def test_a_case_number_is_year_unit_and_four_digit_sequence():
    assert format_case_no(2026, "police", 42) == "2026-POLICE-0042"
    assert format_case_no(2026, "social-insurance", 12345) == "2026-SOCIAL-INSURANCE-12345"


def test_what_a_visitor_types_or_a_scanner_sends_is_normalized():
    assert normalize_case_no(" 2026-police-0042\n") == "2026-POLICE-0042"
    assert normalize_case_no("2026 - POLICE - 0042") == "2026-POLICE-0042"
    with pytest.raises(InvalidFieldError):
        normalize_case_no(42)


def test_deciding_moves_in_progress_to_decided_once():
    case = a_case()
    at = case.accepted_at + timedelta(days=3)
    event = case.decide("approved", "材料齐全", CLERK, at)
    assert (case.status, case.result.value, case.decided_at) == (CaseStatus.DECIDED, "approved", at)
    assert event.data == {"case_no": "2026-POLICE-0001", "result": "approved", "note": "材料齐全",
                          "on_time": True}
    with pytest.raises(InvalidTransitionError):
        case.decide("rejected", None, CLERK, at)


def test_a_bad_result_or_note_is_refused_and_changes_nothing():
    case = a_case()
    with pytest.raises(InvalidFieldError):
        case.decide("maybe", None, CLERK, case.accepted_at)
    with pytest.raises(InvalidFieldError):
        case.decide("approved", "x" * 2001, CLERK, case.accepted_at)
    assert case.status is CaseStatus.IN_PROGRESS and case.result is None


def test_overdue_means_not_decided_by_the_due_date():
    case = a_case()
    assert not case.overdue(case.due_at)
    assert case.overdue(case.due_at + timedelta(seconds=1))
    case.decide("rejected", None, CLERK, case.due_at + timedelta(days=1))
    assert not case.overdue(case.due_at + timedelta(days=2))
    assert case.decided_on_time() is False


def test_pickup_needs_a_decided_case_and_happens_once():
    case = a_case()
    with pytest.raises(CaseNotReadyError) as refused:
        case.ensure_collectable(TZ)
    assert "2026-03-11T10:00:00+08:00" in refused.value.message
    case.decide("approved", None, CLERK, case.accepted_at)
    case.ensure_collectable(TZ)
    event = case.pick_up(99, CLERK, case.accepted_at + timedelta(days=1))
    assert case.status is CaseStatus.PICKED_UP and event.ticket_id == 99
    with pytest.raises(CasePickedUpError):
        case.ensure_collectable(TZ)
    with pytest.raises(InvalidTransitionError):
        case.pick_up(99, CLERK, case.accepted_at)


def test_seven_working_days_across_national_day_end_at_closing_time():
    calendar = WorkingCalendar(NATIONAL_DAY, hours=HALL_HOURS)
    accepted = datetime(2026, 9, 30, 10, 0, tzinfo=TZ)  # Wednesday, the eve of the holiday
    # 8, 9, Saturday the 10th (made a working day), 12, 13, 14, 15 October.
    assert calendar.deadline(accepted, 7, TZ) == datetime(2026, 10, 15, 17, 30, tzinfo=TZ)
    own = WorkingCalendar(NATIONAL_DAY, CalendarOverrides(holidays=(date(2026, 10, 12),)),
                          hours=HALL_HOURS)
    assert own.deadline(accepted, 7, TZ) == datetime(2026, 10, 16, 17, 30, tzinfo=TZ)
