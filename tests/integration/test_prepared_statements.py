"""Statements run on the driver's cursor (``server/db/prepared.py``), on SQLite and PostgreSQL:
the same rows as SQLAlchemy's own execution, the same errors, seen by the round-trip counter."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError

from server.db.prepared import Prepared
from server.db.tables import events, number_counters, tickets

DAY = date(2026, 3, 2)
AT = datetime(2026, 3, 2, 1, 30, 15, 123456, tzinfo=UTC)


def test_rows_and_values_as_sqlalchemy_writes_them(service_hub):
    db = service_hub.db
    log = Prepared(insert(events).returning(events.c.id),
                   column_keys=["at", "service_day", "kind", "actor", "queue_id", "data"])
    with db.engine.connect() as conn:
        with conn.begin():
            (row,) = log.rows(conn, {"at": AT, "service_day": DAY, "kind": "test_kind", "actor": "device:1",
                                     "queue_id": "q", "data": {"号": "B007", "n": 1}})
        back = conn.execute(select(events).where(events.c.id == row[0])).one()
    assert (back.at, back.service_day, back.kind, back.data) == (AT, DAY, "test_kind", {"号": "B007", "n": 1})
    # a literal of the statement (the count's status) and a named parameter together
    count = Prepared(select(func.count()).select_from(events)
                     .where(events.c.kind == "test_kind", events.c.service_day == bindparam("day")))
    with db.engine.connect() as conn:
        assert count.scalar(conn, {"day": DAY}) == 1
        assert count.scalar(conn, {"day": date(2026, 3, 3)}) == 0


def test_a_whole_second_is_stored_as_sqlalchemy_stores_it(service_hub):
    """On SQLite times are compared as text: a time with no microseconds written by a
    prepared statement must read as the same text as SQLAlchemy's ("...:00.000000", not
    the driver's "...:00"), or it would sort before the very same time."""
    db = service_hub.db
    whole = datetime(2026, 3, 2, 1, 30, 0, tzinfo=UTC)
    keys = ["at", "service_day", "kind", "actor", "queue_id", "data"]
    log = Prepared(insert(events).returning(events.c.id), column_keys=keys)
    with db.engine.connect() as conn:
        with conn.begin():
            (mine,) = log.rows(conn, {"at": whole, "service_day": DAY, "kind": "whole_second", "actor": "t",
                                      "queue_id": "q", "data": {}})
            theirs = conn.execute(insert(events).returning(events.c.id),
                                  {"at": whole, "service_day": DAY, "kind": "whole_second", "actor": "t",
                                   "queue_id": "q", "data": {}}).scalar_one()
        stored = dict(conn.exec_driver_sql(
            "SELECT id, CAST(at AS TEXT) FROM events WHERE kind = 'whole_second'").all())
        assert stored[mine[0]] == stored[theirs]
        same = conn.execute(select(func.count()).select_from(events)
                            .where(events.c.kind == "whole_second", events.c.at >= whole)).scalar_one()
    assert same == 2


def test_a_unique_key_fails_as_sqlalchemys_integrity_error_and_rolls_back(service_hub):
    db = service_hub.db
    add = Prepared(insert(number_counters), column_keys=["service_day", "prefix", "last_number"])
    with db.engine.connect() as conn:
        with conn.begin():
            add.rows(conn, {"service_day": DAY, "prefix": "Z", "last_number": 1})
        with pytest.raises(IntegrityError), conn.begin():
            add.rows(conn, {"service_day": DAY, "prefix": "Y", "last_number": 1})
            add.rows(conn, {"service_day": DAY, "prefix": "Z", "last_number": 2})
        prefixes = conn.execute(select(number_counters.c.prefix).where(number_counters.c.service_day == DAY)).all()
    assert [p for (p,) in prefixes] == ["Z"]  # Y went with the failed transaction


def test_the_round_trip_counter_sees_each_statement(service_hub):
    db = service_hub.db
    trips = db.count_round_trips(lambda: "test")
    count = Prepared(select(func.count()).select_from(tickets).where(tickets.c.service_day == bindparam("day")))
    with db.engine.connect() as conn:
        count.scalar(conn, {"day": DAY})
        count.scalar(conn, {"day": DAY})
    assert trips.snapshot()["by_kind"]["statement"] == 2


def test_what_it_cannot_run_is_refused_when_compiled(service_hub):
    expanding = Prepared(select(tickets.c.id).where(tickets.c.queue_id.in_(["a", "b"])))
    defaulted = Prepared(insert(tickets), column_keys=["token"])  # priority etc. have defaults
    with service_hub.db.engine.connect() as conn:
        with pytest.raises(ValueError, match="expanding"):
            expanding.rows(conn, {})
        with pytest.raises(ValueError, match="defaults"):
            defaulted.rows(conn, {})


def test_fetched_rows_are_sqlalchemys_values(service_hub):
    """``fetch`` reads rows through the columns' own result processors, without the
    cursor's description: the same values as SQLAlchemy's result (UTC datetimes, dates,
    JSON), labels as keys, NULLs kept."""
    db = service_hub.db
    with db.engine.connect() as conn:
        with conn.begin():
            conn.execute(insert(events), [{"at": AT, "service_day": DAY, "kind": "fetch_kind", "actor": "device:1",
                                           "queue_id": "q", "data": {"号": "B007"}},
                                          {"at": AT, "service_day": DAY, "kind": "fetch_kind", "actor": "device:1",
                                           "queue_id": None, "data": None}])
        stmt = (select(events.c.id, events.c.at.label("when"), events.c.service_day, events.c.queue_id, events.c.data)
                .where(events.c.kind == bindparam("kind")).order_by(events.c.id))
        expected = [dict(row._mapping) for row in conn.execute(stmt, {"kind": "fetch_kind"})]
        fetched = Prepared(stmt).fetch_dicts(conn, {"kind": "fetch_kind"})
    assert fetched == expected and len(fetched) == 2
    assert fetched[0]["when"] == AT and fetched[0]["data"] == {"号": "B007"} and fetched[1]["data"] is None


def test_one_cursor_per_connection_and_a_fresh_one_after_it_is_replaced(service_hub):
    """Statements that read their rows run on one cursor kept for the DBAPI connection
    (``prepared.cursor_of``), across checkouts; when the connection is invalidated and
    replaced, the next statement runs on a cursor of the new one. Rows stay right
    throughout, and a changing statement (``count``) still has a cursor of its own."""
    from server.db import prepared

    db = service_hub.db
    count = Prepared(select(func.count()).select_from(events).where(events.c.kind == bindparam("kind")))
    log = Prepared(insert(events).returning(events.c.id),
                   column_keys=["at", "service_day", "kind", "actor", "queue_id", "data"])
    keep = Prepared(number_counters.update().where(number_counters.c.prefix == bindparam("the_prefix"))
                    .values(last_number=bindparam("n")))
    row = {"at": AT, "service_day": DAY, "kind": "cursor_kind", "actor": "t", "queue_id": "q", "data": {}}
    with db.engine.connect() as conn:
        with conn.begin():
            log.rows(conn, row)
            first = conn.connection.info[prepared._CURSOR]
            log.rows(conn, row)
            assert count.scalar(conn, {"kind": "cursor_kind"}) == 2
            assert conn.connection.info[prepared._CURSOR] is first  # the same cursor each time
            assert first[0] is conn.connection.dbapi_connection
            conn.execute(insert(number_counters), {"service_day": DAY, "prefix": "C", "last_number": 1})
            assert keep.count(conn, {"the_prefix": "C", "n": 5}) == 1
            assert conn.connection.info[prepared._CURSOR] is first
        old_dbapi = conn.connection.dbapi_connection
        conn.invalidate()  # as after a broken connection: the pool opens a new one
        with conn.begin():
            assert count.scalar(conn, {"kind": "cursor_kind"}) == 2
            kept = conn.connection.info[prepared._CURSOR]
            assert kept[0] is conn.connection.dbapi_connection and kept[0] is not old_dbapi
            log.rows(conn, row)
            assert count.scalar(conn, {"kind": "cursor_kind"}) == 3
    # a stale entry (a record that kept its dict across a reconnect) is not used either
    with db.engine.connect() as conn:
        conn.connection.info[prepared._CURSOR] = (object(), None)
        assert count.scalar(conn, {"kind": "cursor_kind"}) == 3
        assert conn.connection.info[prepared._CURSOR][0] is conn.connection.dbapi_connection


def test_the_round_trip_counter_sees_statements_on_the_kept_cursor(service_hub):
    db = service_hub.db
    count = Prepared(select(func.count()).select_from(tickets).where(tickets.c.service_day == bindparam("day")))
    with db.engine.connect() as conn:
        count.scalar(conn, {"day": DAY})  # the cursor kept before the counter is installed
        trips = db.count_round_trips(lambda: "test")
        count.scalar(conn, {"day": DAY})
        count.scalar(conn, {"day": DAY})
    assert trips.snapshot()["by_kind"]["statement"] == 2


def _bound_one_by_one(steps, params: dict, positional: bool):
    """The parameters as ``Prepared`` bound them before ``_Binder``: one bind at a time."""
    if positional:
        return tuple(params.get(name, literal) if process is None or params.get(name, literal) is None
                     else process(params.get(name, literal)) for _, name, process, literal in steps)
    return {key: (params.get(name, literal) if process is None or params.get(name, literal) is None
                  else process(params.get(name, literal))) for key, name, process, literal in steps}


def test_the_parameters_are_bound_as_one_by_one(service_hub):
    """``_Binder`` (the values in one C call, only the processed binds visited) gives the
    driver what binding each parameter in turn gave: a bind used twice, a literal of the
    statement, a value given as None, a time through its type's processor, one bind alone."""
    db = service_hub.db
    statement = (select(tickets.c.id)
                 .where(tickets.c.window_id == bindparam("window_id"), tickets.c.status == "called",
                        tickets.c.called_at < bindparam("now", type_=tickets.c.called_at.type),
                        tickets.c.clerk_id == bindparam("clerk_id"),
                        (tickets.c.queue_id == bindparam("window_id")) | (tickets.c.service_day == bindparam("day"))))
    alone = Prepared(select(tickets.c.id).where(tickets.c.service_day == bindparam("day")))
    given = [{"window_id": "w1", "now": AT, "clerk_id": None, "day": DAY, "other": 1},
             {"window_id": "w2", "now": None, "clerk_id": 7, "day": None}]
    with db.engine.connect() as conn:
        for prepared in (Prepared(statement), alone):
            sql, positional, binder = prepared._compile(conn.dialect)
            for params in given:
                assert binder.bind(params, positional) == _bound_one_by_one(_steps(prepared, conn), params, positional)
            prepared.fetch(conn, given[0])  # and the driver takes them


def _steps(prepared: Prepared, conn):
    compiled = prepared.statement.compile(dialect=conn.dialect)
    names = list(compiled.positiontup) if compiled.positiontup is not None else list(compiled.binds)
    out = []
    for name in names:
        bind = compiled.binds[name]
        literal = bind.value if bind.callable is None else bind.callable()
        out.append((compiled.escaped_bind_names.get(name, name), name,
                    bind.type.dialect_impl(conn.dialect).bind_processor(conn.dialect), literal))
    return out
