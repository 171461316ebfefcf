"""Statements compiled once and run on the driver's own cursor: for the few statements
on every issued ticket.

``Connection.execute`` of a cached statement still costs ~20 µs of Python per statement
(cache key, parameter building through every bind, execution context, result object):
more than SQLite takes to run a ticket's insert. A ``Prepared`` statement is compiled
once per dialect; a run puts each parameter through its column type's own bind
processor for that dialect (the same conversions SQLAlchemy makes: UTC datetimes, dates,
JSON text; on SQLite a datetime as SQLAlchemy's fixed-width text, microseconds always
written, so that stored times compare as text the same way whoever wrote them) in the
compiled order and hands the SQL to the DBAPI cursor of the same connection, inside the
same transaction. Listeners of ``before_cursor_execute`` (the benchmark's round-trip
counter) still see each statement; a driver error is raised as SQLAlchemy's own
(``IntegrityError`` for a unique key, as callers expect).

Only for statements whose every value is a bound parameter: no expanding ``IN``, no
column defaults worked out at execution (both are refused when compiled).

``fetch`` reads a statement's rows (a ``SELECT``, or ``RETURNING``) through its columns'
own result processors (``TypeEngine.result_processor``: UTC datetimes, dates, JSON),
without asking the cursor for its ``description``: psycopg builds one ``Column`` object
per column of the result each time it is asked, as SQLAlchemy's result does on every
execution — on a counter's 32-column read of the window and its ticket that costs more
than the rest of the statement's Python.
"""

from __future__ import annotations

from operator import itemgetter

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

_CURSOR = "yimen.prepared_cursor"


def cursor_of(fairy):
    """The cursor prepared statements run on for this DBAPI connection, made once and
    kept in the pool's record of it (``PoolProxiedConnection.info``: kept across
    checkouts, emptied when the connection is invalidated and replaced): a new cursor
    and its close for every statement were a fifth of a statement's Python on
    PostgreSQL (psycopg builds its adapters and state per cursor). Every statement run
    on it reads all its rows before the next, and a checked-out connection serves one
    unit of work at a time, so one cursor is enough. The DBAPI connection it was made
    on is kept with it and compared, in case the record ever kept the dict across a
    reconnect."""
    dbapi = fairy.dbapi_connection
    info = fairy.info
    kept = info.get(_CURSOR)
    if kept is None or kept[0] is not dbapi:
        kept = info[_CURSOR] = (dbapi, dbapi.cursor())
    return kept[1]


def execute_on(conn: Connection, cursor, sql: str, args=None, **options) -> None:
    """Run ``sql`` on the DBAPI ``cursor`` of ``conn`` as SQLAlchemy would for it: the
    ``before_cursor_execute`` listeners told (the benchmark's round-trip counter), a
    driver error raised as SQLAlchemy's own. ``options``: the driver's (psycopg's
    ``prepare``)."""
    listeners = conn.dispatch.before_cursor_execute
    if listeners:  # the round-trip counter, when installed
        listeners(conn, cursor, sql, args, None, False)
    try:
        if args is None:
            cursor.execute(sql, **options)
        else:
            cursor.execute(sql, args, **options)
    except conn.dialect.loaded_dbapi.Error as exc:
        dialect = conn.dialect
        raise DBAPIError.instance(sql, args, exc, dialect.loaded_dbapi.Error,
                                  dialect=dialect) from exc


class _Binder:
    """A compiled statement's parameters from the caller's dict: each bind name's value
    (the statement's literal when not given) through its type's bind processor (None is
    never processed), in the compiled order; positional, a tuple; else a dict by the
    escaped names. The values are taken in one C call (``itemgetter`` over the literals
    updated with the caller's values) and only the binds with a processor visited in
    Python: the statement's Python per run, on every ticket and every clerk's action."""

    __slots__ = ("defaults", "keys", "take", "processed", "count")

    def __init__(self, steps: list) -> None:
        self.count = len(steps)
        self.defaults = {name: literal for _, name, _, literal in steps}
        self.keys = [key for key, _, _, _ in steps]
        names = [name for _, name, _, _ in steps]
        self.take = itemgetter(*names) if names else None
        self.processed = [(i, process) for i, (_, _, process, _) in enumerate(steps) if process is not None]

    def bind(self, params: dict, positional: bool):
        count = self.count
        if count == 0:
            return () if positional else {}
        taken = self.take({**self.defaults, **params})
        values = [taken] if count == 1 else list(taken)
        for i, process in self.processed:
            value = values[i]
            if value is not None:
                values[i] = process(value)
        return tuple(values) if positional else dict(zip(self.keys, values, strict=True))


class Prepared:
    def __init__(self, statement, column_keys: list[str] | None = None) -> None:
        self.statement = statement
        self.column_keys = column_keys
        self._compiled: dict[str, tuple[str, bool, list]] = {}
        self._processors: dict[str, list] = {}

    def _compile(self, dialect) -> tuple[str, bool, list]:
        compiled = self.statement.compile(dialect=dialect, column_keys=self.column_keys)
        if getattr(compiled, "insert_prefetch", None) or getattr(compiled, "update_prefetch", None):
            raise ValueError("a prepared statement cannot have column defaults worked out at execution")
        if any(bind.expanding for bind in compiled.binds.values()):
            raise ValueError("a prepared statement cannot have an expanding IN")
        positional = compiled.positiontup is not None
        names = list(compiled.positiontup) if positional else list(compiled.binds)
        steps = []
        for name in names:
            bind = compiled.binds[name]
            literal = bind.value if bind.callable is None else bind.callable()
            steps.append((compiled.escaped_bind_names.get(name, name), name,
                          bind.type.dialect_impl(dialect).bind_processor(dialect), literal))
        entry = (compiled.string, positional, _Binder(steps))
        self._compiled[dialect.name] = entry
        return entry

    def rows(self, conn: Connection, params: dict) -> list[tuple]:
        """Run with ``params`` (bind name → value; a literal of the statement when not
        given); its rows, if it returns any."""
        return self._run(conn, params, False)

    def fetch(self, conn: Connection, params: dict) -> list[tuple]:
        """Run as ``rows`` does a statement that returns rows (its ``exported_columns``);
        each value as SQLAlchemy's result would give it."""
        processors = self._processors.get(conn.dialect.name)
        if processors is None:
            dialect = conn.dialect
            processors = self._processors[dialect.name] = [
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in self.statement.exported_columns]
        rows = self._run(conn, params, None)
        if not any(processors):
            return rows
        steps = list(enumerate(processors))
        out = []
        for row in rows:
            row = list(row)
            for i, process in steps:
                if process is not None:
                    row[i] = process(row[i])
            out.append(tuple(row))
        return out

    def fetch_dicts(self, conn: Connection, params: dict) -> list[dict]:
        """``fetch``'s rows as dicts keyed by the statement's column keys (labels)."""
        keys = [column.key for column in self.statement.exported_columns]
        return [dict(zip(keys, row, strict=True)) for row in self.fetch(conn, params)]

    def count(self, conn: Connection, params: dict) -> int:
        """Run as ``rows`` does; the rows it changed (the driver's ``rowcount``)."""
        return self._run(conn, params, True)

    def _run(self, conn: Connection, params: dict, rowcount: bool | None):
        """``rowcount``: True, the rows changed; False, the rows if the cursor has a
        description; None, the rows (the statement returns some)."""
        dialect = conn.dialect
        sql, positional, binder = self._compiled.get(dialect.name) or self._compile(dialect)
        args = binder.bind(params, positional)
        fairy = conn.connection
        if rowcount:
            # A count's statement may leave rows unread (an UPDATE … RETURNING): its own
            # cursor, closed after it, as before.
            cursor = fairy.dbapi_connection.cursor()
            try:
                execute_on(conn, cursor, sql, args)
                return cursor.rowcount
            finally:
                cursor.close()
        cursor = cursor_of(fairy)
        execute_on(conn, cursor, sql, args)
        if rowcount is None:
            return cursor.fetchall()
        return cursor.fetchall() if cursor.description else []

    def scalar(self, conn: Connection, params: dict):
        return self.rows(conn, params)[0][0]
