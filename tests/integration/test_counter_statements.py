"""A counter's actions as they are now made (``services/counter/windows.py``) against the
steps they replace: on PostgreSQL call-next in one statement under the window's lock and
start, finish, recall and no-show each in one statement with its event in autocommit;
on SQLite, under the writer lock, call-next in one ``UPDATE … RETURNING`` and the others
by one conditional ``UPDATE … RETURNING`` (no read first) and the event's row. The same
rows, the same events, the same refusals, and nothing lost when the clerk's requests
cross."""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select, update

from server.db.tables import events
from server.db.tables import tickets as tickets_table
from server.queueing.actors import Actor
from server.queueing.errors import (
    NoCurrentTicketError,
    QueueEmptyError,
    QueueingError,
    WindowBusyError,
    WindowPausedError,
)
from server.queueing.tickets import Outcome
from server.services.counter import windows
from server.services.errors import NotWindowClerkError
from server.services.issuing import tickets

KIOSK = Actor("device", "1", "kiosk", "kiosk")


def issue(hub, matter="hukou-move-in"):
    return tickets.issue_ticket(hub, matter_id=matter, actor=KIOSK)[0]


def event_rows(hub, ticket_id):
    with hub.reading() as repos:
        return [dict(r._mapping) for r in repos.conn.execute(
            select(events.c.kind, events.c.actor, events.c.window_id, events.c.queue_id,
                   events.c.data, events.c.service_day)
            .where(events.c.ticket_id == ticket_id).order_by(events.c.id))]


def test_each_action_writes_the_ticket_and_its_event_as_before(service_hub, clerk_actor, clock):
    clerk = clerk_actor()
    first = issue(service_hub)
    windows.open_window(service_hub, "w16", clerk)
    clock.advance(minutes=3)
    called = windows.call_next(service_hub, "w16", clerk)
    recalled = windows.recall(service_hub, "w16", clerk)
    started = windows.start_service(service_hub, "w16", clerk)
    clock.advance(minutes=5)
    done = windows.finish(service_hub, "w16", clerk, "completed")
    assert (called["id"], called["status"], called["window_id"]) == (first["id"], "called", "w16")
    assert recalled["recalls"] == 1 and started["status"] == "serving"
    assert (done["status"], done["outcome"], done["rating"], done["case"]) == ("done", "completed", None, None)
    with service_hub.reading() as repos:
        stored = repos.tickets.get(first["id"])
    assert stored.clerk_id == int(clerk.id) and stored.recalls == 1 and stored.outcome.value == "completed"
    assert stored.called_at == stored.started_at < stored.finished_at  # the manual clock: no time between
    rows = event_rows(service_hub, first["id"])
    day = service_hub.today()
    assert rows[1:] == [
        {"kind": "ticket_called", "actor": str(clerk), "window_id": "w16", "queue_id": "police",
         "data": {"number": first["number"]}, "service_day": day},
        {"kind": "ticket_recalled", "actor": str(clerk), "window_id": "w16", "queue_id": "police",
         "data": {"number": first["number"], "recalls": 1}, "service_day": day},
        {"kind": "service_started", "actor": str(clerk), "window_id": "w16", "queue_id": "police",
         "data": {"number": first["number"]}, "service_day": day},
        {"kind": "ticket_finished", "actor": str(clerk), "window_id": "w16", "queue_id": "police",
         "data": {"number": first["number"], "outcome": "completed"}, "service_day": day},
    ]
    # The called visitor's ticket_changed carries the call's answer (no read-back).
    assert service_hub.publisher.kinds()[-4:] == ["ticket_called", "ticket_recalled", "service_started",
                                                  "ticket_finished"]
    with pytest.raises(NoCurrentTicketError):
        windows.start_service(service_hub, "w16", clerk)


def test_a_refused_action_is_refused_as_before(service_hub, clerk_actor):
    clerk = clerk_actor()
    issue(service_hub)
    windows.open_window(service_hub, "w16", clerk)
    windows.call_next(service_hub, "w16", clerk)
    windows.start_service(service_hub, "w16", clerk)
    with pytest.raises(QueueingError):
        windows.start_service(service_hub, "w16", clerk)  # serving already: not startable
    with pytest.raises(WindowBusyError):
        windows.call_next(service_hub, "w16", clerk)


def test_crossing_calls_at_one_window_call_one_ticket(service_hub, clerk_actor):
    """The clerk's double click (eight calls at once, real threads): one ticket is called,
    the others are refused; none is left at the window besides it."""
    clerk = clerk_actor()
    for _ in range(10):
        issue(service_hub)
    windows.open_window(service_hub, "w16", clerk)

    def call(_):
        try:
            return windows.call_next(service_hub, "w16", clerk)["id"]
        except WindowBusyError:
            return None

    with ThreadPoolExecutor(8) as pool:
        called = [i for i in pool.map(call, range(8)) if i is not None]
    assert len(called) == 1
    with service_hub.reading() as repos:
        at_window = [t for t in repos.tickets.at_windows().values() if t.window_id == "w16"]
        waiting = repos.tickets.waiting(["police"], service_hub.today(), now=service_hub.now())
    assert [t.id for t in at_window] == called and len(waiting) == 9


def test_crossing_recalls_lose_none(service_hub, clerk_actor):
    """Recalls at once (each read, decided, then written only if the ticket is as read):
    every answered recall is counted, and its event logged."""
    clerk = clerk_actor()
    ticket = issue(service_hub)
    windows.open_window(service_hub, "w16", clerk)
    windows.call_next(service_hub, "w16", clerk)
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: windows.recall(service_hub, "w16", clerk)["recalls"], range(12)))
    assert sorted(answers) == list(range(1, 13))
    with service_hub.reading() as repos:
        assert repos.tickets.get(ticket["id"]).recalls == 12
    assert [r["kind"] for r in event_rows(service_hub, ticket["id"])].count("ticket_recalled") == 12


def test_each_action_takes_its_short_path(service_hub, clerk_actor):
    """The statements each action sends (a count, not a time): the short paths are the
    ones taken for a walk-in's ticket. SQLite: call-next is the ``UPDATE … RETURNING``
    and the event's insert; start and finish the conditional ``UPDATE … RETURNING`` (no
    read first) and the event's insert. PostgreSQL: call-next's BEGIN with the window's
    lock (one simple query), the call's statement and COMMIT, on a connection in
    autocommit (the unit of work's BEGIN, locked read, statement and COMMIT were four);
    start and finish the change's one statement with its event. Every round trip is
    counted: statements, and the BEGIN and COMMIT the driver sends."""
    clerk = clerk_actor()
    issue(service_hub)
    windows.open_window(service_hub, "w16", clerk)
    trips = service_hub.db.count_round_trips(lambda: "test")
    sent = []
    for action in (lambda: windows.call_next(service_hub, "w16", clerk),
                   lambda: windows.start_service(service_hub, "w16", clerk),
                   lambda: windows.finish(service_hub, "w16", clerk, "completed")):
        before = sum(trips.snapshot()["by_kind"].values())
        action()
        sent.append(sum(trips.snapshot()["by_kind"].values()) - before)
    assert sent == ([3, 1, 1] if service_hub.db.dialect == "postgresql" else [4, 4, 4])


def test_a_call_the_short_path_cannot_make_is_refused_as_before(service_hub, clerk_actor):
    """When the one statement calls nobody, the steps read the window and say why."""
    clerk, other = clerk_actor(), clerk_actor("clerk2")
    with pytest.raises(NotWindowClerkError):  # closed: nobody's window
        windows.call_next(service_hub, "w16", clerk)
    windows.open_window(service_hub, "w16", clerk)
    with pytest.raises(QueueEmptyError):
        windows.call_next(service_hub, "w16", clerk)
    first = issue(service_hub)
    with pytest.raises(NotWindowClerkError):
        windows.call_next(service_hub, "w16", other)
    windows.pause_window(service_hub, "w16", clerk, "break")
    with pytest.raises(WindowPausedError):
        windows.call_next(service_hub, "w16", clerk)
    windows.resume_window(service_hub, "w16", clerk)
    assert windows.call_next(service_hub, "w16", clerk)["id"] == first["id"]
    issue(service_hub)
    with pytest.raises(WindowBusyError):
        windows.call_next(service_hub, "w16", clerk)
    with pytest.raises(NotWindowClerkError):
        windows.start_service(service_hub, "w16", other)
    with service_hub.reading() as repos:
        assert repos.tickets.get(first["id"]).status.value == "called"
        assert len(repos.tickets.waiting(["police"], service_hub.today(), now=service_hub.now())) == 1


def test_the_pick_is_the_calling_orders(service_hub, clerk_actor, clock):
    """The one statement calls, in turn, the tickets ``waiting`` lists in calling order."""
    clerk = clerk_actor()
    for _ in range(6):
        issue(service_hub)
        clock.advance(seconds=7)
    windows.open_window(service_hub, "w16", clerk)
    with service_hub.reading() as repos:
        expected = [t.id for t in repos.tickets.waiting(["police"], service_hub.today(), now=service_hub.now())]
    called = []
    for _ in expected:
        called.append(windows.call_next(service_hub, "w16", clerk)["id"])
        windows.no_show(service_hub, "w16", clerk)
    assert called == expected


_CORE = {"recall": lambda t, now, actor: t.recall(now, actor),
         "start": lambda t, now, actor: t.start(now, actor),
         "finish": lambda t, now, actor: t.finish(Outcome.RETURNED, now, actor),
         "no_show": lambda t, now, actor: t.no_show(now, actor)}
_SERVICE = {"recall": windows.recall, "start": windows.start_service,
            "finish": lambda hub, window, actor: windows.finish(hub, window, actor, "returned"),
            "no_show": windows.no_show}


@pytest.mark.parametrize("started", [False, True], ids=["called", "serving"])
@pytest.mark.parametrize("action", sorted(_CORE))
def test_the_one_change_is_the_cores_transition(service_hub, clerk_actor, clock, action, started):
    """Start, finish, recall and no-show of a called or a serving ticket, made in one
    statement without reading the ticket first (``tickets.change_current``), write what
    the core's transition makes of the ticket as it was — the same row, the same event —
    or are refused as the core refuses, with nothing written."""
    clerk = clerk_actor()
    issue(service_hub)
    windows.open_window(service_hub, "w16", clerk)
    windows.call_next(service_hub, "w16", clerk)
    clock.advance(seconds=20)
    windows.recall(service_hub, "w16", clerk)
    if started:
        clock.advance(minutes=1)
        windows.start_service(service_hub, "w16", clerk)
    clock.advance(minutes=4)
    with service_hub.reading() as repos:
        before = repos.tickets.at_window("w16")
    expected = copy.deepcopy(before)
    try:
        event = _CORE[action](expected, service_hub.now(), clerk)
    except QueueingError as refused:
        with pytest.raises(type(refused)):
            _SERVICE[action](service_hub, "w16", clerk)
        expected, event = before, None
    else:
        view = _SERVICE[action](service_hub, "w16", clerk)
        assert (view["status"], view["recalls"], view["outcome"]) == (
            expected.status.value, expected.recalls, expected.outcome and expected.outcome.value)
    with service_hub.reading() as repos:
        assert repos.tickets.get(before.id) == expected
    last = event_rows(service_hub, before.id)[-1]
    if event is None:
        assert last["kind"] == ("service_started" if started else "ticket_recalled")
    else:
        assert last == {"kind": event.kind, "actor": str(clerk), "window_id": "w16", "queue_id": "police",
                        "data": dict(event.data), "service_day": service_hub.today()}
        assert service_hub.publisher.kinds()[-1] == event.kind


def test_a_ticket_the_one_change_may_not_make_is_changed_in_steps(service_hub, clerk_actor):
    """A ticket issued at a device that is not a kiosk (a partner may follow it), or an
    appointment's: the one statement writes nothing and the steps make the change."""
    clerk = clerk_actor()
    windows.open_window(service_hub, "w16", clerk)
    with service_hub.uow() as uow:
        display = uow.devices.add("display", "hall screen", "not-a-kiosk-key", service_hub.now())
        uow.commit()
    trips = service_hub.db.count_round_trips(lambda: "test")
    short = 1 if service_hub.db.dialect == "postgresql" else 2
    for changed in ({"device_id": str(display)}, {"slot_start": service_hub.now()}):
        ticket = issue(service_hub)
        with service_hub.uow() as uow:
            uow.conn.execute(update(tickets_table).where(tickets_table.c.id == ticket["id"]).values(changed))
            uow.commit()
        windows.call_next(service_hub, "w16", clerk)
        before = trips.snapshot()["by_kind"].get("statement", 0)
        assert windows.start_service(service_hub, "w16", clerk)["status"] == "serving"
        assert trips.snapshot()["by_kind"]["statement"] - before > short
        done = windows.finish(service_hub, "w16", clerk, "completed")
        assert (done["id"], done["status"]) == (ticket["id"], "done")
        assert [r["kind"] for r in event_rows(service_hub, ticket["id"])][-2:] == ["service_started",
                                                                                   "ticket_finished"]


def test_crossing_finishes_finish_once(service_hub, clerk_actor):
    """The clerk's double click on finish (six at once, real threads): the ticket is
    finished once, with one event; the others are refused (nothing at the window)."""
    clerk = clerk_actor()
    ticket = issue(service_hub)
    windows.open_window(service_hub, "w16", clerk)
    windows.call_next(service_hub, "w16", clerk)
    windows.start_service(service_hub, "w16", clerk)

    def finish(_):
        try:
            return windows.finish(service_hub, "w16", clerk, "completed")["status"]
        except QueueingError:
            return None

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(finish, range(6)))
    assert answers.count("done") == 1 and answers.count(None) == 5
    assert [r["kind"] for r in event_rows(service_hub, ticket["id"])].count("ticket_finished") == 1


def _refusal(call):
    try:
        call()
    except (QueueingError, NotWindowClerkError) as exc:
        return type(exc), exc.message, getattr(exc, "code", None), getattr(exc, "details", None)
    raise AssertionError("not refused")


def test_a_refused_call_is_the_unit_of_works_refusal(service_hub, clerk_actor):
    """Each refusal of call-next (on PostgreSQL decided under the lock of the one block,
    ``_refuse_under_lock``) is the very error the unit of work in steps raises for the
    same window: its class, message, code and details."""
    clerk, other = clerk_actor(), clerk_actor("clerk2")
    hub = service_hub
    window = hub.center.window("w16")
    day, now = hub.today(), hub.now()

    def both(actor):
        made = _refusal(lambda: windows.call_next(hub, "w16", actor))
        assert made == _refusal(lambda: windows._call_in_uow(hub, window, actor, day, now))
        return made[0]

    assert both(clerk) is NotWindowClerkError  # closed: nobody's window
    windows.open_window(hub, "w16", clerk)
    assert both(clerk) is QueueEmptyError
    issue(hub)
    assert both(other) is NotWindowClerkError
    windows.pause_window(hub, "w16", clerk, "break")
    assert both(clerk) is WindowPausedError
    windows.resume_window(hub, "w16", clerk)
    windows.call_next(hub, "w16", clerk)
    issue(hub)
    assert both(clerk) is WindowBusyError


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # SQLite has no such block
def test_a_call_with_nobody_waiting_is_refused_in_the_block(service_hub, clerk_actor):
    """PostgreSQL: nobody waiting is refused in the call's own block (BEGIN with the lock,
    the call, the window's read, the waiting line's, ROLLBACK: five round trips), not
    again in a unit of work (it took six alone). SQLite's path is unchanged."""
    clerk = clerk_actor()
    windows.open_window(service_hub, "w16", clerk)
    trips = service_hub.db.count_round_trips(lambda: "test")
    before = sum(trips.snapshot()["by_kind"].values())
    with pytest.raises(QueueEmptyError):
        windows.call_next(service_hub, "w16", clerk)
    sent = sum(trips.snapshot()["by_kind"].values()) - before
    assert sent == 5
