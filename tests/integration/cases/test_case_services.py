"""办件 and 取件 through the real services on SQLite and PostgreSQL: an accepted ticket
opens one case, its number and due date, who may read and decide it, the pickup ticket
and what finishing it does, the year-end report."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from server.db.tables import cases as cases_table
from server.db.tables import events
from server.queueing.actors import Actor
from server.queueing.cases import CaseNotFoundError, CaseNotReadyError, CasePickedUpError
from server.queueing.errors import InvalidTransitionError
from server.services.accounts.users import create_user, staff_actor
from server.services.cases import cases, pickup, report
from server.services.counter import windows
from server.services.errors import ForbiddenError
from server.services.issuing import tickets

KIOSK = Actor("device", "1", "kiosk", "kiosk")
MATTER = "hukou-move-in"  # police, guide.time_limit_days: 7
PICKUP_WINDOW = "w69"  # a comprehensive window, which also serves the pickup queue


@pytest.fixture
def hall(service_hub):
    """A police clerk at its window, a clerk of the hall at a comprehensive window, a
    manager, a supervisor and a clerk of another unit."""
    hub = service_hub
    people = {}
    for username, role, unit in (("police1", "clerk", "police"), ("desk1", "clerk", None),
                                 ("tax1", "clerk", "tax"), ("manager", "manager", None),
                                 ("supervisor", "supervisor", None)):
        create_user(hub, username=username, password="secret-pass", role=role, name=username,
                    unit_id=unit)
        with hub.reading() as repos:
            people[username] = staff_actor(repos.users.by_username(username))
    window_id = hub.center.queue(hub.center.matter(MATTER).queue_id).window_ids[0]
    windows.open_window(hub, window_id, people["police1"])
    windows.open_window(hub, PICKUP_WINDOW, people["desk1"])
    return {"hub": hub, "window": window_id, **people}


def serve(hall, clock, outcome="accepted", matter=MATTER) -> dict:
    hub = hall["hub"]
    tickets.issue_ticket(hub, matter_id=matter, actor=KIOSK)
    clock.advance(minutes=2)
    windows.call_next(hub, hall["window"], hall["police1"])
    clock.advance(minutes=8)
    return windows.finish(hub, hall["window"], hall["police1"], outcome)


def test_an_accepted_ticket_opens_one_case_due_in_its_matters_working_days(hall, clock):
    hub = hall["hub"]
    finished = serve(hall, clock)
    case_no = finished["case"]["case_no"]
    assert case_no == f"{clock.now().year}-POLICE-0001"
    # Accepted Monday 2 March 2026 → seven working days: Wednesday 11 March, at closing time.
    due = hub.calendar.closing_time(date(2026, 3, 11), hub.tz)
    assert finished["case"] == {"case_no": case_no, "status": "in_progress",
                                "due_at": due.isoformat(), "pickup": False}
    assert serve(hall, clock)["case"]["case_no"] == f"{clock.now().year}-POLICE-0002"
    assert serve(hall, clock, outcome="completed")["case"] is None
    shown = tickets.get_ticket(hub, finished["token"])
    assert shown["case"]["case_no"] == case_no
    with hub.reading() as repos:
        assert repos.conn.execute(select(func.count()).select_from(cases_table)).scalar_one() == 2
        kinds = [k for (k,) in repos.conn.execute(select(events.c.kind)
                                                  .where(events.c.kind == "case_opened"))]
    assert kinds == ["case_opened", "case_opened"]
    view = cases.get_case(hub, case_no, hall["manager"])
    assert view["ticket_token"] == finished["token"] and view["number"] == finished["number"]
    assert (view["overdue"], view["due_soon"], view["result"]) == (False, False, None)


def test_a_matter_without_a_time_limit_takes_the_default(hall):
    hub = hall["hub"]
    without = next(m for m in hub.center.matters.values()
                   if m.guide is None or not m.guide.time_limit_days)
    assert cases.working_days_of(hub, without.id) == hub.center.rules.default_case_working_days == 7
    assert cases.working_days_of(hub, MATTER) == 7


def test_due_soon_within_two_working_days_then_overdue(hall, clock):
    hub = hall["hub"]
    case_no = serve(hall, clock)["case"]["case_no"]
    clock.set(datetime.fromisoformat("2026-03-09T10:00:00+08:00"))  # Monday: due Wednesday
    assert cases.get_case(hub, case_no, hall["manager"])["due_soon"] is True
    clock.set(datetime.fromisoformat("2026-03-12T09:00:00+08:00"))
    shown = cases.get_case(hub, case_no, hall["manager"])
    assert (shown["overdue"], shown["due_soon"]) == (True, False)
    with hub.reading() as repos:
        assert [c.case_no for c in repos.cases.overdue_open(hub.now())] == [case_no]
    assert [c["case_no"] for c in cases.list_cases(hub, hall["manager"], overdue=True)] == [case_no]


def test_who_reads_and_who_decides(hall, clock):
    hub = hall["hub"]
    finished = serve(hall, clock)
    case_no = finished["case"]["case_no"]
    assert [c["case_no"] for c in cases.list_cases(hub, hall["police1"])] == [case_no]
    assert cases.list_cases(hub, hall["tax1"]) == []
    with pytest.raises(ForbiddenError):
        cases.list_cases(hub, hall["tax1"], unit_id="police")
    with pytest.raises(ForbiddenError):
        cases.get_case(hub, case_no, hall["tax1"])
    with pytest.raises(ForbiddenError):
        cases.get_case(hub, case_no, None)
    with pytest.raises(ForbiddenError):
        cases.get_case(hub, case_no, None, token="not-its-token")
    assert cases.get_case(hub, case_no, None, token=finished["token"])["case_no"] == case_no
    assert cases.get_case(hub, case_no, hall["supervisor"])["status"] == "in_progress"
    with pytest.raises(ForbiddenError):
        cases.decide(hub, case_no, hall["tax1"], "approved", None)
    with pytest.raises(ForbiddenError):
        cases.decide(hub, case_no, hall["supervisor"], "approved", None)
    clock.advance(hours=20)
    decided = cases.decide(hub, case_no, hall["police1"], "approved", "准予迁入")
    assert (decided["status"], decided["result"], decided["decided_on_time"]) == (
        "decided", "approved", True)
    with pytest.raises(InvalidTransitionError):
        cases.decide(hub, case_no, hall["manager"], "rejected", None)
    assert tickets.get_ticket(hub, finished["token"])["case"]["status"] == "decided"
    assert "case_decided" in hub.publisher.kinds()
    assert ("case_changed", {"case_no": case_no, "status": "decided", "unit_id": "police"}) in \
        hub.publisher.manager_messages


def test_pickup_at_the_kiosk_then_at_a_comprehensive_window(hall, clock):
    hub = hall["hub"]
    case_no = serve(hall, clock)["case"]["case_no"]
    with pytest.raises(CaseNotFoundError):
        pickup.issue_pickup(hub, "2026-POLICE-9999", KIOSK)
    with pytest.raises(CaseNotReadyError) as refused:
        pickup.issue_pickup(hub, case_no, KIOSK)
    assert "2026-03-11T" in refused.value.message
    cases.decide(hub, case_no, hall["manager"], "approved", None)
    ticket, created = pickup.issue_pickup(hub, case_no.lower(), KIOSK)
    assert created and ticket["queue_id"] == "pickup" and ticket["number"] == "P001"
    assert ticket["case_no"] == case_no and ticket["case"]["pickup"] is True
    again, created = pickup.issue_pickup(hub, case_no, KIOSK)
    assert not created and again["token"] == ticket["token"]
    clock.advance(minutes=3)
    called = windows.call_next(hub, PICKUP_WINDOW, hall["desk1"])
    assert called["token"] == ticket["token"]
    finished = windows.finish(hub, PICKUP_WINDOW, hall["desk1"], "completed")
    assert finished["case"]["status"] == "picked_up"
    shown = cases.get_case(hub, case_no, hall["manager"])
    assert shown["status"] == "picked_up" and shown["picked_up_at"] is not None
    with pytest.raises(CasePickedUpError):
        pickup.issue_pickup(hub, case_no, KIOSK)
    assert "case_picked_up" in hub.publisher.kinds()


def test_the_year_end_report_counts_by_unit_and_lists_the_open(hall, clock):
    hub = hall["hub"]
    on_time = serve(hall, clock)["case"]["case_no"]
    late = serve(hall, clock)["case"]["case_no"]
    still_open = serve(hall, clock)["case"]["case_no"]
    cases.decide(hub, on_time, hall["manager"], "approved", None)
    clock.set(datetime.fromisoformat("2026-03-20T10:00:00+08:00"))
    cases.decide(hub, late, hall["manager"], "rejected", "材料不全")
    year = report.year_report(hub, 2026)
    assert {k: year[k] for k in ("opened", "decided", "decided_on_time", "decided_late", "open",
                                 "overdue_open")} == {
        "opened": 3, "decided": 2, "decided_on_time": 1, "decided_late": 1, "open": 1,
        "overdue_open": 1}
    assert [(r["unit_id"], r["opened"], r["open"]) for r in year["by_unit"]] == [("police", 3, 1)]
    assert [c["case_no"] for c in year["open_cases"]] == [still_open]
    assert report.year_report(hub, 2025)["opened"] == 0


def test_an_overdue_case_is_one_supervision_finding(hall, clock):
    """The supervision watch reads the cases repository itself (``supervision_due``):
    nothing before the due date, one ``case_overdue`` after it, not a second."""
    from server.services.supervision.watch import SupervisionWatch

    hub = hall["hub"]
    case_no = serve(hall, clock)["case"]["case_no"]
    watch = SupervisionWatch(hub)
    assert [a for a in watch.evaluate() if a["kind"] == "case_overdue"] == []
    clock.set(datetime.fromisoformat("2026-03-12T09:00:00+08:00"))  # past the 7 working days
    found = [a for a in watch.evaluate() if a["kind"] == "case_overdue"]
    assert [(a["case_no"], a["unit_id"]) for a in found] == [(case_no, "police")]
    assert [a for a in watch.evaluate() if a["kind"] == "case_overdue"] == []
