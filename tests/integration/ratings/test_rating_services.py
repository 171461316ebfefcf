"""好差评 through the real services on SQLite and PostgreSQL: rating a ticket, the race of
pad and phone, the rectification a bad rating opens, the figures and the export."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server.db.tables import events
from server.db.tables import ratings as ratings_table
from server.db.tables import rectifications as rect_table
from server.queueing.actors import Actor
from server.queueing.errors import (
    AlreadyRatedError,
    InvalidFieldError,
    InvalidTransitionError,
    MissingFieldError,
    NotRateableError,
)
from server.services.accounts.users import authenticate_device, set_user_password, staff_actor
from server.services.counter import windows
from server.services.errors import ForbiddenError, UnprocessableError
from server.services.feedback import figures as rating_figures
from server.services.feedback import ratings, rectifications
from server.services.issuing import tickets

KIOSK = Actor("device", "1", "kiosk", "kiosk")
MATTER = "hukou-move-in"


@pytest.fixture
def hall(service_hub, clerk_actor):
    """The hub with a clerk at the first window of the matter's queue and a pad there."""
    hub = service_hub
    window_id = hub.center.queue(hub.center.matter(MATTER).queue_id).window_ids[0]
    clerk = clerk_actor("clerk1")
    windows.open_window(hub, window_id, clerk)
    pad = ratings.create_rating_pad(hub, name="1号窗口评价器", window_id=window_id)
    for username, role in (("manager", "manager"), ("supervisor", "supervisor")):
        set_user_password(hub, username, "secret-pass", role=role, name=username)
    with hub.reading() as repos:
        staff = {u: staff_actor(repos.users.by_username(u)) for u in ("manager", "supervisor")}
    return {"hub": hub, "window": window_id, "clerk": clerk,
            "pad": authenticate_device(hub, pad["key"], kind="rating_pad"), **staff}


def served(hall, clock) -> dict:
    """A ticket issued, called and finished at the hall's window."""
    hub = hall["hub"]
    ticket = tickets.issue_ticket(hub, matter_id=MATTER, actor=KIOSK)[0]
    clock.advance(minutes=3)
    windows.call_next(hub, hall["window"], hall["clerk"])
    clock.advance(minutes=5)
    windows.finish(hub, hall["window"], hall["clerk"], "completed")
    assert ticket["rating"] is None
    return ticket


def test_a_phone_rates_once_and_the_ticket_shows_it(hall, clock):
    hub = hall["hub"]
    ticket = served(hall, clock)
    answer = ratings.rate_ticket(hub, ticket["token"], level=5)
    assert answer["level"] == 5 and answer["channel"] == "phone"
    assert answer["ticket_id"] == ticket["id"] and answer["reasons"] == []
    assert answer["at"].endswith("+08:00")
    shown = tickets.get_ticket(hub, ticket["token"])
    assert shown["rating"] == {"level": 5, "at": answer["at"]}
    with pytest.raises(AlreadyRatedError) as caught:
        ratings.rate_ticket(hub, ticket["token"], level=1, pad=hall["pad"])
    assert caught.value.code == "already_rated"
    with hub.reading() as repos:
        kinds = [row.kind for row in repos.conn.execute(
            select(events.c.kind).where(events.c.ticket_id == ticket["id"]))]
    assert kinds[-1] == "ticket_rated"


def test_what_cannot_be_rated(hall, clock):
    hub = hall["hub"]
    waiting = tickets.issue_ticket(hub, matter_id=MATTER, actor=KIOSK)[0]
    with pytest.raises(NotRateableError):
        ratings.rate_ticket(hub, waiting["token"], level=4)
    windows.call_next(hub, hall["window"], hall["clerk"])
    with pytest.raises(NotRateableError):  # called, not done
        ratings.rate_ticket(hub, waiting["token"], level=4)
    windows.finish(hub, hall["window"], hall["clerk"], "completed")
    for level in (0, 6, "5", None):
        with pytest.raises(InvalidFieldError):
            ratings.rate_ticket(hub, waiting["token"], level=level)
    clock.advance(days=hub.center.rules.rating_days, minutes=1)
    with pytest.raises(NotRateableError):  # offered for rules.rating_days only
        ratings.rate_ticket(hub, waiting["token"], level=4)


def test_a_pad_rates_only_what_its_window_served(hall, clock):
    hub = hall["hub"]
    other_window = next(w for w in hub.center.windows if w != hall["window"])
    stranger = authenticate_device(
        hub, ratings.create_rating_pad(hub, name="别的窗口", window_id=other_window)["key"])
    ticket = served(hall, clock)
    with pytest.raises(ForbiddenError):
        ratings.rate_ticket(hub, ticket["token"], level=5, pad=stranger)
    assert ratings.rate_ticket(hub, ticket["token"], level=4, pad=hall["pad"])["channel"] == "pad"
    with pytest.raises(UnprocessableError):
        ratings.create_rating_pad(hub, name="x", window_id="w999")


def race(hub, token: str, pad) -> list[str]:
    """The pad (level 1) and the phone (level 2) rate the same ticket at the same moment."""
    barrier = threading.Barrier(2)
    results: list[str] = []

    def rate(device, level):
        barrier.wait()
        try:
            ratings.rate_ticket(hub, token, level=level, pad=device)
            results.append("201")
        except AlreadyRatedError:
            results.append("409")

    threads = [threading.Thread(target=rate, args=(pad, 1)),
               threading.Thread(target=rate, args=(None, 2))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_pad_and_phone_racing_leave_exactly_one_rating(hall, clock):
    hub = hall["hub"]
    for round_ in range(8):
        ticket = served(hall, clock)
        results = race(hub, ticket["token"], hall["pad"])
        assert sorted(results) == ["201", "409"], f"round {round_}: {results}"
    with hub.reading() as repos:
        assert repos.conn.execute(select(func.count()).select_from(ratings_table)).scalar() == 8
        # both levels are bad: exactly one rectification per rated ticket
        assert repos.conn.execute(select(func.count()).select_from(rect_table)).scalar() == 8


def test_a_bad_rating_opens_one_rectification_due_in_working_days(hall, clock):
    hub = hall["hub"]
    ticket = served(hall, clock)
    ratings.rate_ticket(hub, ticket["token"], level=1, reasons=["long_wait", "attitude"],
                        comment="等了两个小时")
    [item] = rectifications.list_rectifications(hub)
    assert item["status"] == "open" and not item["overdue"]
    # Monday 2026-03-02 + 15 working days = Monday 2026-03-23, when the hall closes (17:30)
    assert item["due_at"] == "2026-03-23T17:30:00+08:00"
    assert item["ticket"] == {"token": ticket["token"], "number": ticket["number"],
                              "matter_id": MATTER, "unit_id": ticket["unit_id"],
                              "window_id": hall["window"]}
    assert item["rating"] == {"level": 1, "reasons": ["long_wait", "attitude"],
                              "comment": "等了两个小时"}
    assert item["clerk"]["username"] == "clerk1"
    assert [step["action"] for step in item["history"]] == ["opened"]
    good = served(hall, clock)
    ratings.rate_ticket(hub, good["token"], level=3)
    assert len(rectifications.list_rectifications(hub)) == 1


def test_a_rectification_through_to_closed(hall, clock):
    hub = hall["hub"]
    ticket = served(hall, clock)
    ratings.rate_ticket(hub, ticket["token"], level=2, pad=hall["pad"])
    rect_id = rectifications.list_rectifications(hub)[0]["id"]
    manager, supervisor = hall["manager"], hall["supervisor"]
    # each user is offered the moves their role may make, and only those
    assert rectifications.get_rectification(hub, rect_id, manager)["allowed_actions"] == ["verify"]
    assert rectifications.list_rectifications(hub, viewer=supervisor)[0]["allowed_actions"] == []
    with pytest.raises(ForbiddenError):  # the supervisor reviews appeals, not verifies
        rectifications.move(hub, rect_id, "verify", supervisor, {"finding": "valid", "note": "x"})
    with pytest.raises(MissingFieldError):
        rectifications.move(hub, rect_id, "verify", manager, {"finding": "valid"})
    with pytest.raises(InvalidTransitionError):
        rectifications.move(hub, rect_id, "rectify", manager, {"note": "太早"})
    clock.advance(hours=1)
    rectifications.move(hub, rect_id, "verify", manager, {"finding": "valid", "note": "核实属实"})
    clock.advance(days=1)
    rectifications.move(hub, rect_id, "rectify", manager, {"note": "已批评教育"})
    clock.advance(days=1)
    done = rectifications.move(hub, rect_id, "callback", manager,
                               {"reached": True, "note": "已回访", "level": 4})
    assert done["status"] == "closed" and done["callback"] == {"reached": True, "level": 4}
    assert [(s["action"], s["actor_name"]) for s in done["history"]] == [
        ("opened", hall["pad"].name), ("verify", "manager"), ("rectify", "manager"),
        ("callback", "manager")]
    assert done["history"][1]["at"] == "2026-03-02T10:08:00+08:00"
    assert rectifications.list_rectifications(hub, status="closed")[0]["id"] == rect_id
    figures = rating_figures.summary(hub, None, None, "unit")
    row = next(r for r in figures["rows"] if r["key"] == ticket["unit_id"])
    assert row["bad"] == 1 and row["callback_rate"] == 1.0 and row["on_time_rate"] == 1.0


def test_an_overturned_rating_counts_in_no_figure_and_overdue_is_flagged(hall, clock):
    hub = hall["hub"]
    first, second = served(hall, clock), served(hall, clock)
    ratings.rate_ticket(hub, first["token"], level=1)
    ratings.rate_ticket(hub, second["token"], level=2)
    appealed, late = sorted(r["id"] for r in rectifications.list_rectifications(hub))
    rectifications.move(hub, appealed, "verify", hall["manager"],
                        {"finding": "disputed", "note": "办件材料不全，群众误解"})
    with pytest.raises(ForbiddenError):
        rectifications.move(hub, appealed, "review", hall["manager"],
                            {"decision": "overturned", "note": "x"})
    result = rectifications.move(hub, appealed, "review", hall["supervisor"],
                                 {"decision": "overturned", "note": "申诉成立"})
    assert result["status"] == "overturned"
    figures = rating_figures.summary(hub, None, None, "window")
    assert figures["total"]["rated"] == 1 and figures["total"]["levels"]["1"] == 0
    assert figures["total"]["bad"] == 1 and figures["total"]["satisfied_share"] == 0.0
    exported = rating_figures.export_rows(hub, None, None)
    assert [row["overturned"] for row in exported] == [True, False]
    assert [row["rectification_status"] for row in exported] == ["overturned", "open"]
    clock.advance(days=30)
    overdue = rectifications.list_rectifications(hub, overdue=True)
    assert [r["id"] for r in overdue] == [late] and overdue[0]["overdue"]


def test_summary_by_each_dimension(hall, clock):
    hub = hall["hub"]
    levels = [5, 5, 4, 3, 2]
    for level in levels:
        ratings.rate_ticket(hub, served(hall, clock)["token"], level=level)
    served(hall, clock)  # finished, not rated
    for by in ("unit", "window", "clerk", "matter"):
        figures = rating_figures.summary(hub, hub.today(), hub.today(), by)
        assert figures["total"]["done"] == 6 and figures["total"]["rated"] == 5
        assert figures["total"]["levels"] == {"1": 0, "2": 1, "3": 1, "4": 1, "5": 2}
        assert figures["total"]["satisfied_share"] == 0.6 and figures["total"]["bad"] == 1
        [row] = figures["rows"]
        assert row["done"] == 6 and row["rated"] == 5 and row["name"]
    assert rating_figures.summary(hub, hub.today() + timedelta(days=1), None, "unit")["rows"] == []
    listed = rating_figures.list_ratings(hub, None, None, level=5)
    assert len(listed) == 2 and listed[0]["clerk"]["username"] == "clerk1"


def test_two_managers_moving_at_once_make_one_move(hall, clock):
    hub = hall["hub"]
    set_user_password(hub, "manager2", "secret-pass", role="manager", name="副主任")
    with hub.reading() as repos:
        second = staff_actor(repos.users.by_username("manager2"))
    ratings.rate_ticket(hub, served(hall, clock)["token"], level=1)
    rect_id = rectifications.list_rectifications(hub)[0]["id"]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def verify(actor, finding):
        barrier.wait()
        try:
            rectifications.move(hub, rect_id, "verify", actor, {"finding": finding, "note": "核实"})
            outcomes.append("ok")
        except InvalidTransitionError:
            outcomes.append("409")

    threads = [threading.Thread(target=verify, args=(hall["manager"], "valid")),
               threading.Thread(target=verify, args=(second, "disputed"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["409", "ok"]
    item = rectifications.get_rectification(hub, rect_id)
    assert [s["action"] for s in item["history"]] == ["opened", "verify"]
    assert item["status"] in ("rectifying", "appealed")
