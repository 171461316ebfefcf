"""The bulk history generator writes what the real services write for the same day.

One small day is drawn by ``BulkHistory`` and written to one database; the same day is
then played through the real services (kiosk issues, clerks open, call next, recall,
start, finish, mark no-shows, pause for lunch, close) on a second database, each step at
its moment on a manual clock. The ticket rows, event rows and number counters of both
must be the same field by field, once the ids the databases chose (ticket ids, random
tokens) are replaced by the ticket's number. The wait quoted at issue is compared too:
the generator quotes with the core's estimate over its own view of the queue's load,
the hub over what its database says. The hub's load cache lives on the wall clock's
seconds, which the replay outruns, so it is refreshed before each ticket.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from server.db.tables import events, number_counters, tickets, users
from server.queueing.actors import Actor
from server.queueing.events import (
    EVENT_TYPES,
    ServiceStarted,
    TicketCalled,
    TicketFinished,
    TicketIssued,
    TicketNoShow,
    TicketRecalled,
    WindowClosed,
    WindowOpened,
    WindowPaused,
    WindowResumed,
)
from server.services.counter import windows as window_service
from server.services.issuing import tickets as ticket_service
from server.simulation.bulk import BulkHistory
from server.simulation.engine import ensure_sim_clerks
from server.simulation.model import HallModel
from server.simulation.offline import offline_hub

DAY = date(2026, 3, 10)
START = datetime(2026, 3, 9, tzinfo=UTC)
MODEL = HallModel(visits_per_day=300, staffed_share=0.1, no_show_share=0.2)
KIOSK = Actor("device", "simulator")
NOT_COMPARED = {"id", "token"}

# What a clerk or the kiosk does for each event the generator wrote.
PLAY = {
    WindowOpened: lambda hub, w, a, data: window_service.open_window(hub, w, a),
    WindowPaused: lambda hub, w, a, data: window_service.pause_window(hub, w, a, data["reason"]),
    WindowResumed: lambda hub, w, a, data: window_service.resume_window(hub, w, a),
    WindowClosed: lambda hub, w, a, data: window_service.close_window(hub, w, a),
    TicketCalled: lambda hub, w, a, data: window_service.call_next(hub, w, a),
    TicketRecalled: lambda hub, w, a, data: window_service.recall(hub, w, a),
    ServiceStarted: lambda hub, w, a, data: window_service.start_service(hub, w, a),
    TicketFinished: lambda hub, w, a, data: window_service.finish(hub, w, a, data["outcome"]),
    TicketNoShow: lambda hub, w, a, data: window_service.no_show(hub, w, a),
}


def dump(hub) -> tuple[list, list, list]:
    """Tickets, events and counters with ids replaced by ticket numbers and usernames."""
    with hub.reading() as repos:
        conn = repos.conn
        names = dict(conn.execute(select(users.c.id, users.c.username)).all())
        ticket_rows = [dict(r._mapping) for r in conn.execute(select(tickets))]
        number_of = {r["id"]: r["number"] for r in ticket_rows}

        def actor(text):
            kind, _, ident = text.partition(":")
            return f"user:{names[int(ident)]}" if kind == "user" else text

        ticket_list = sorted(
            ({**{k: v for k, v in r.items() if k not in NOT_COMPARED},
              "clerk_id": names.get(r["clerk_id"])} for r in ticket_rows),
            key=lambda r: r["number"])
        event_list = sorted(
            (r["at"], r["kind"], actor(r["actor"]), number_of.get(r["ticket_id"]), r["window_id"],
             r["queue_id"], r["service_day"],
             {k: (names[v] if k == "clerk_id" else v) for k, v in (r["data"] or {}).items()})
            # Ticket and window events; the cases an accepted ticket opens are not generated.
            for r in map(lambda row: dict(row._mapping),
                         conn.execute(select(events).where(events.c.kind.in_(list(EVENT_TYPES))))))
        counters = sorted(tuple(r) for r in conn.execute(select(number_counters)))
    return ticket_list, [e[:7] + (sorted(e[7].items()),) for e in event_list], counters


def play_through_services(hub, clock, event_rows, clerks) -> None:
    for row in event_rows:
        clock.set(row["at"])
        cls = EVENT_TYPES[row["kind"]]
        if cls is TicketIssued:
            hub.load.invalidate_service_times()
            view, _ = ticket_service.issue_ticket(hub, matter_id=row["data"]["matter_id"], actor=KIOSK)
            assert view["number"] == row["data"]["number"]
            continue
        view = PLAY[cls](hub, row["window_id"], clerks[row["window_id"]], row["data"])
        if cls is TicketCalled:
            assert view["number"] == row["data"]["number"], "the policy calls another ticket"


def test_a_generated_day_is_what_the_services_write(db_url, tmp_path):
    """The generator writes to SQLite or PostgreSQL, the services to SQLite."""
    bulk_hub, _ = offline_hub(db_url, start=START)
    real_hub, clock = offline_hub(f"sqlite:///{tmp_path / 'real.sqlite3'}", start=START)
    try:
        generator = BulkHistory(bulk_hub, MODEL, seed=3)
        ticket_rows, event_rows, _ = generator.day_rows(DAY)
        generator = BulkHistory(bulk_hub, MODEL, seed=3)  # the same draw, written this time
        assert generator.write_days([DAY]) == len(ticket_rows)
        statuses = {r["status"] for r in ticket_rows}
        assert {"done", "no_show"} <= statuses and len(ticket_rows) > 200

        center = real_hub.center
        clerks = ensure_sim_clerks(real_hub, [w for w in center.windows if center.window(w).queue_ids])
        play_through_services(real_hub, clock, event_rows, clerks)

        bulk, real = dump(bulk_hub), dump(real_hub)
        assert len(bulk[1]) == len(event_rows)
        for name, generated, written in zip(("tickets", "events", "counters"), bulk, real, strict=True):
            assert len(generated) == len(written), name
            for one, other in zip(generated, written, strict=True):
                assert one == other, name
    finally:
        bulk_hub.db.engine.dispose()
        real_hub.db.engine.dispose()
