"""The tickets' and events' indexes after migration 0011: two dropped (no query read
them), two partial (only the rows their queries can match). A ticket just issued is in
neither partial index, the queries that need them still read through them, and the
migration goes down and up again on a database with tickets in it."""

from __future__ import annotations

from alembic import command
from sqlalchemy import event, select

from server.db import migrate
from server.db.tables import tickets as tickets_table
from server.queueing.actors import Actor
from server.services.counter import windows
from server.services.issuing import tickets

KIOSK = Actor("device", "1", "kiosk", "kiosk")
PARTIAL = {"ix_tickets_window_status": "window_id IS NOT NULL",
           "ix_tickets_status_finished_at": "finished_at IS NOT NULL"}
DROPPED = ("ix_tickets_issued_at", "ix_events_at")


def index_sql(conn) -> dict[str, str]:
    """Index name → its definition, as the database keeps it."""
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    else:
        rows = conn.exec_driver_sql("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()")
    return {name: " ".join(sql.split()) for name, sql in rows}


def a_day_at_one_window(hub, clerk, clock):
    """Three tickets: one served to its end at w16, one called there, one waiting."""
    issued = [tickets.issue_ticket(hub, matter_id="hukou-move-in", actor=KIOSK)[0] for _ in range(3)]
    windows.open_window(hub, "w16", clerk)
    clock.advance(minutes=2)
    windows.call_next(hub, "w16", clerk)
    windows.start_service(hub, "w16", clerk)
    clock.advance(minutes=4)
    windows.finish(hub, "w16", clerk, "completed")
    windows.call_next(hub, "w16", clerk)
    return issued


def test_partial_indexes_hold_only_the_rows_their_queries_match(service_hub, clerk_actor, clock):
    issued = a_day_at_one_window(service_hub, clerk_actor(), clock)
    with service_hub.reading() as repos:
        conn = repos.conn
        definitions = index_sql(conn)
        for name, where in PARTIAL.items():
            assert where.lower() in definitions[name].lower(), definitions[name]
        for name in DROPPED:
            assert name not in definitions
        t = tickets_table
        at_window = conn.execute(select(t.c.id).where(t.c.window_id.is_not(None))).scalars().all()
        finished = conn.execute(select(t.c.id).where(t.c.finished_at.is_not(None))).scalars().all()
        assert sorted(at_window) == [issued[0]["id"], issued[1]["id"]]  # the waiting one has no window
        assert finished == [issued[0]["id"]]
        # the queries read as before: the window's ticket, the recent service times
        assert repos.tickets.at_window("w16").id == issued[1]["id"]
        assert repos.tickets.recent_service_times() == {issued[0]["queue_id"]: [240.0]}


def test_sqlite_queries_that_need_the_partial_indexes_still_use_them(make_hub, clerk_actor, clock, db_url):
    if not db_url.startswith("sqlite"):
        return  # PostgreSQL's planner picks by cost on a tiny table; the definitions are checked above
    hub = make_hub()
    a_day_at_one_window(hub, clerk_actor(), clock)
    seen: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        seen.append((statement, parameters))

    with hub.reading() as repos:
        event.listen(repos.conn.engine, "before_cursor_execute", keep)
        try:
            repos.tickets.at_window("w16")
            repos.tickets.recent_service_times()
        finally:
            event.remove(repos.conn.engine, "before_cursor_execute", keep)
        plans = ["\n".join(row[-1] for row in repos.conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params or ()))
                 for sql, params in seen]
    assert any("ix_tickets_window_status" in plan for plan in plans[:1]), plans
    assert "ix_tickets_status_finished_at" in plans[-1], plans


def test_the_migration_goes_down_and_up_with_tickets_in_the_database(make_hub, clerk_actor, clock):
    hub = make_hub()
    issued = a_day_at_one_window(hub, clerk_actor(), clock)
    db = hub.db
    cfg = migrate._config()

    def run(step, revision):
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            step(cfg, revision)

    run(command.downgrade, "0010")
    with db.engine.connect() as conn:
        definitions = index_sql(conn)
        assert all(name in definitions for name in DROPPED)
        assert all(where.lower() not in definitions[name].lower() for name, where in PARTIAL.items())
        assert sorted(conn.execute(select(tickets_table.c.id)).scalars()) == [t["id"] for t in issued]
    run(command.upgrade, "head")
    assert migrate.current_revision(db) == migrate.head_revision()
    with db.engine.connect() as conn:
        definitions = index_sql(conn)
        assert not any(name in definitions for name in DROPPED)
        assert all(where.lower() in definitions[name].lower() for name, where in PARTIAL.items())
    with hub.reading() as repos:
        assert repos.tickets.at_window("w16").id == issued[1]["id"]
