"""Engines for SQLite (embedded) and PostgreSQL, and the rules each needs.

SQLite under gevent: WAL so that readers never wait for the writer, a busy timeout as a
last resort, ``synchronous=NORMAL`` (safe with WAL), and one writer at a time inside
the process: SQLite's own busy-wait would block every greenlet, so writers queue on a
lock instead. PostgreSQL: psycopg 3 cooperates with gevent by itself; writers do not
share a lock, row locks and conditional updates keep them apart.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError, NoSuchModuleError

IDLE_PING_S = 2.0  # PostgreSQL: a pooled connection idle this long is pinged before use


class DatabaseConfigError(Exception):
    """The database URL is malformed or names a driver that is not installed."""


def default_sqlite_url(var_dir: str | os.PathLike = "var") -> str:
    return f"sqlite:///{Path(var_dir) / 'yimen.sqlite3'}"


def _normalise(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseConfigError(f"not a database URL: {url!r}") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


class RoundTrips:
    """Counts what a connection sends to the database server, by a label of the caller
    (``label()``: the request's endpoint, or ``background``): every statement, and every
    BEGIN, COMMIT, ROLLBACK and liveness ping the driver sends on its own. A benchmark's
    tool (``YIMEN_COUNT_ROUND_TRIPS``); without it no listener is installed and nothing
    is counted."""

    def __init__(self, engine: Engine, label: Callable[[], str]) -> None:
        self.label = label
        self.counts: Counter = Counter()
        self.kinds: Counter = Counter()
        event.listen(engine, "before_cursor_execute", self._statement)
        for kind in ("begin", "commit", "rollback"):
            event.listen(engine, kind, self._counter(kind))

    def _count(self, kind: str) -> None:
        self.counts[self.label()] += 1
        self.kinds[kind] += 1

    def _statement(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        self._count("statement")

    def _counter(self, kind: str):
        def count(conn) -> None:  # noqa: ANN001
            # In autocommit the driver sends no BEGIN, COMMIT or ROLLBACK of its own.
            if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
                self._count(kind)
        return count

    def ping(self) -> None:
        self._count("ping")

    def snapshot(self) -> dict:
        return {"by_label": dict(self.counts), "by_kind": dict(self.kinds)}


class Database:
    """One engine plus the write discipline its dialect needs."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = _normalise(url)
        self.dialect = self.url.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise DatabaseConfigError(
                f"unsupported database {self.dialect!r}: use sqlite:/// or postgresql+psycopg://"
            )
        try:
            self.engine: Engine = self._make_engine(echo)
        except NoSuchModuleError as exc:
            raise DatabaseConfigError(
                f"no driver for {self.url.drivername}: install the 'postgres' extra "
                f"(pip install -e .[postgres])"
            ) from exc
        except ModuleNotFoundError as exc:
            raise DatabaseConfigError(
                f"no driver for {self.url.drivername} ({exc.name} missing): "
                f"pip install -e .[postgres]"
            ) from exc
        # Only SQLite needs a process-wide writer lock. threading.RLock becomes a
        # gevent lock once run.py has monkey-patched the standard library.
        self._writer_lock = threading.RLock() if self.dialect == "sqlite" else None
        self.round_trips: RoundTrips | None = None

    def count_round_trips(self, label: Callable[[], str]) -> RoundTrips:
        """Start counting what is sent to the server (benchmarks only; see RoundTrips)."""
        self.round_trips = RoundTrips(self.engine, label)
        return self.round_trips

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    def _make_engine(self, echo: bool) -> Engine:
        if self.dialect == "sqlite":
            database = self.url.database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(
                self.url,
                echo=echo,
                connect_args={"timeout": 10, "check_same_thread": False},
                pool_size=8,
                max_overflow=16,
                pool_pre_ping=False,
            )

            @event.listens_for(engine, "connect")
            def _pragmas(dbapi_conn, _record):  # noqa: ANN001
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA busy_timeout=10000")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.close()

            return engine
        # Enough pooled connections for the requests a busy hub runs at once: one beyond
        # the pool is opened for one request and closed after it (a new server process
        # each time), which under a burst of 20 kiosks cost more than the requests
        # themselves. At most 24 a hub: several hubs share the server's max_connections
        # (100 by default); a request beyond them waits for a free connection.
        engine = create_engine(
            self.url,
            echo=echo,
            pool_size=20,
            max_overflow=4,
            pool_recycle=1800,
        )
        self._ping_when_idle(engine)
        return engine

    def _ping_when_idle(self, engine: Engine) -> None:
        """A pooled connection is pinged before use only when it lay idle ``IDLE_PING_S``
        or more (a server restart, a firewall's idle timeout): not on every checkout as
        ``pool_pre_ping`` would, a round trip per request under load. A connection that
        breaks in use fails its statement and SQLAlchemy invalidates the pool's older
        connections, as it would with the ping on every checkout."""

        @event.listens_for(engine, "checkin")
        def _idle_from(dbapi_conn, record):  # noqa: ANN001
            record.info["idle_since"] = time.monotonic()

        @event.listens_for(engine, "checkout")
        def _ping(dbapi_conn, record, proxy):  # noqa: ANN001
            since = record.info.pop("idle_since", None)
            if since is None or time.monotonic() - since < IDLE_PING_S:
                return
            if self.round_trips is not None:
                self.round_trips.ping()
            try:
                alive = engine.dialect.do_ping(dbapi_conn)
            except Exception as exc:  # noqa: BLE001 - any failure: take a fresh connection
                raise DisconnectionError(str(exc)) from exc
            if not alive:
                raise DisconnectionError("the database connection did not answer a ping")

    @property
    def writer_lock(self):
        """The process-wide writer lock on SQLite; None on PostgreSQL."""
        return self._writer_lock

    @contextmanager
    def reading(self):
        """A connection for reads; never takes the writer lock. On PostgreSQL in
        autocommit: at READ COMMITTED every statement sees its own snapshot inside a
        transaction too, so BEGIN and ROLLBACK around reads would only cost two round
        trips. SQLite keeps one read transaction (one snapshot) for the whole block."""
        with self.engine.connect() as conn:
            if self.dialect == "postgresql":
                yield conn.execution_options(isolation_level="AUTOCOMMIT")
                return
            yield conn
            conn.rollback()

    @contextmanager
    def single_statements(self):
        """A connection in autocommit: each statement is its own transaction, with no
        BEGIN or COMMIT sent around it (PostgreSQL's issue in one statement)."""
        with self.engine.connect() as conn:
            yield conn.execution_options(isolation_level="AUTOCOMMIT")

    def check_connection(self) -> None:
        """Raise a DatabaseConfigError with one line saying what failed."""
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except Exception as exc:  # noqa: BLE001 - turned into one clear line
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DatabaseConfigError(
                f"cannot reach database {self.url.render_as_string(hide_password=True)}: {first}"
            ) from exc

    def dispose(self) -> None:
        self.engine.dispose()


def connection_dialect(conn: Connection) -> str:
    return conn.dialect.name
