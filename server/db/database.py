"""Engines for SQLite (embedded) and PostgreSQL, and the rules each needs.

SQLite under gevent: WAL so that readers never wait for the writer, a busy timeout as a
last resort, ``synchronous=NORMAL`` (safe with WAL), and one writer at a time inside
the process: SQLite's own busy-wait would block every greenlet, so writers queue on a
lock instead. PostgreSQL: psycopg 3 cooperates with gevent by itself; writers do not
share a lock, row locks and conditional updates keep them apart.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections import Counter, deque
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError, NoSuchModuleError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

log = logging.getLogger(__name__)

CHECKPOINT_INTERVAL_S = 1.0  # SQLite with checkpoints aside: how often the WAL is copied back
IDLE_PING_S = 2.0  # PostgreSQL: a pooled connection idle this long is pinged before use
SQLITE_READERS = 4  # SQLite: reader connections kept checked out between reads


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


# PostgreSQL: the connections a hub keeps, in two pools that never close what they opened
# (a connection beyond a pool was closed on return and opened again moments later, a new
# server process each time): reads and single statements on connections opened in
# autocommit, units of work on connections that keep transactions. A request beyond
# them waits for a free connection (a greenlet's wait costs nothing); at most 24 a hub
# as before, since several hubs share the server's max_connections (100 by default).
PG_AUTOCOMMIT_POOL = 14
PG_TRANSACTION_POOL = 10
PG_POOL_TIMEOUT_S = 30

# ``PoolNesting``: on for the engines built while True (the integration tests set it), and
# what it found.
CHECK_POOL_NESTING = False
POOL_NESTINGS: list[str] = []


class FairGate:
    """``size`` permits handed out in the order they were asked for: one in front of each
    bounded PostgreSQL pool, of the pool's size, so that a holder always finds a connection.

    The pool's own wait lets a newcomer take a connection that was just given back while
    the waiter it woke has not run yet; the woken waiter finds the pool empty and queues
    again, at the back. Under the booking burst (50 requests a hub for 14 + 10
    connections) some requests lost that race for seconds while the rest answered in tens
    of milliseconds. Here a permit given back goes to the oldest waiter directly.
    ``threading``'s primitives are gevent's once the hub has monkey-patched them."""

    def __init__(self, size: int) -> None:
        self._free = size
        self._mutex = threading.Lock()
        self._waiters: deque = deque()

    def acquire(self, timeout: float) -> None:
        with self._mutex:
            if self._free and not self._waiters:
                self._free -= 1
                return
            handed = threading.Event()
            self._waiters.append(handed)
        if handed.wait(timeout):
            return
        with self._mutex:
            if handed.is_set():  # handed over as the wait ran out: keep it
                return
            self._waiters.remove(handed)
        raise PoolTimeoutError(f"no free database connection within {timeout:.0f} s", code="3o7r")

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().set()
            else:
                self._free += 1


class RoundTrips:
    """Counts what a connection sends to the database server, by a label of the caller
    (``label()``: the request's endpoint, or ``background``): every statement, and every
    BEGIN, COMMIT, ROLLBACK and liveness ping the driver sends on its own. A benchmark's
    tool (``YIMEN_COUNT_ROUND_TRIPS``); without it no listener is installed and nothing
    is counted."""

    def __init__(self, engine: Engine, label: Callable[[], str],
                 autocommit: Engine | None = None) -> None:
        self.label = label
        self.counts: Counter = Counter()
        self.kinds: Counter = Counter()
        event.listen(engine, "before_cursor_execute", self._statement)
        for kind in ("begin", "commit", "rollback"):
            event.listen(engine, kind, self._counter(kind))
        if autocommit is not None:  # opened in autocommit: only its statements are sent
            event.listen(autocommit, "before_cursor_execute", self._statement)

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

    def __init__(self, url: str, *, echo: bool = False, checkpoint_aside: bool = False) -> None:
        self.url = _normalise(url)
        self.dialect = self.url.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise DatabaseConfigError(
                f"unsupported database {self.dialect!r}: use sqlite:/// or postgresql+psycopg://"
            )
        # SQLite: the hub's connections never copy the WAL back into the database file
        # themselves (``checkpoint_forever`` does it in a real OS thread). A checkpoint
        # run by the connection that commits is a file copy and an fdatasync of 5-9 ms,
        # every ~1,000 pages written, during which the whole gevent loop stands still.
        database = self.url.database if self.dialect == "sqlite" else None
        self.checkpoint_aside = bool(checkpoint_aside and database and database != ":memory:")
        self._checkpointer = None  # the checkpoint thread's own sqlite3 connection
        self.checkpoints = 0  # checkpoints run aside (for tests and the curious)
        self._autocommit: Engine | None = None
        self._gates: dict[Engine, FairGate] = {}  # PostgreSQL: the bounded pools' gates
        try:
            self.engine: Engine = self._make_engine(echo)
            if self.dialect == "postgresql":
                self._autocommit = self._make_autocommit_engine(echo)
                # A caller that disposes only ``engine`` (tests do) leaves this pool's
                # connections open: they are closed when this Database goes, not left to
                # the collector (psycopg warns about a connection deleted while open).
                weakref.finalize(self, self._autocommit.dispose)
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
        # SQLite: the one writer connection, kept checked out between units of work (they
        # are serialised by the writer lock anyway): no pool checkout and checkin, no
        # new Connection object, around each. Given back on dispose().
        self._writer: Connection | None = None
        self._writer_busy = False
        self._writer_pool = None  # the pool the writer connection came from
        # SQLite: reader connections kept out of the pool between reads, each with the pool
        # it came from (a disposed engine has a new one): a free one is taken, or the pool's
        self._readers: list[tuple[Connection, object]] = []
        self._own_engine = self.engine
        self.round_trips: RoundTrips | None = None

    def count_round_trips(self, label: Callable[[], str]) -> RoundTrips:
        """Start counting what is sent to the server (benchmarks only; see RoundTrips)."""
        self.round_trips = RoundTrips(self.engine, label, self._autocommit)
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
                if self.checkpoint_aside:
                    cur.execute("PRAGMA wal_autocheckpoint=0")
                cur.close()

            return engine
        # Enough pooled connections for the requests a busy hub runs at once: one beyond
        # the pool is opened for one request and closed after it (a new server process
        # each time), which under a burst of 20 kiosks cost more than the requests
        # themselves. At most 24 a hub: several hubs share the server's max_connections
        # (100 by default); a request beyond them waits for a free connection.
        return self._pg_engine(echo, PG_TRANSACTION_POOL)

    def _make_autocommit_engine(self, echo: bool) -> Engine:
        """PostgreSQL: the pool for ``reading()`` and ``single_statements()``, its
        connections opened in autocommit once: switching a pooled connection to
        autocommit for each block and back on its return cost ~10 % of a request."""
        return self._pg_engine(echo, PG_AUTOCOMMIT_POOL, isolation_level="AUTOCOMMIT")

    def _pg_engine(self, echo: bool, size: int, **options) -> Engine:
        """A bounded PostgreSQL pool: ``size`` connections, none beyond (a request waits
        up to ``PG_POOL_TIMEOUT_S`` for one), recycled after half an hour."""
        engine = create_engine(self.url, echo=echo, pool_size=size, max_overflow=0,
                               pool_timeout=PG_POOL_TIMEOUT_S, pool_recycle=1800, **options)
        self._ping_when_idle(engine)
        self._gates[engine] = FairGate(size)
        if CHECK_POOL_NESTING:
            PoolNesting.watch(engine, "autocommit" if options else "transaction")
        return engine

    @contextmanager
    def connect(self, engine: Engine | None = None):
        """``engine.connect()`` (default this database's engine); on a bounded PostgreSQL
        pool after waiting in turn at its gate (FairGate). An engine put in place of
        this one has no gate."""
        engine = self.engine if engine is None else engine
        gate = self._gates.get(engine)
        if gate is None:
            with engine.connect() as conn:
                yield conn
            return
        gate.acquire(PG_POOL_TIMEOUT_S)
        try:
            with engine.connect() as conn:
                yield conn
        finally:
            gate.release()

    def warm(self) -> int:
        """PostgreSQL: open every connection of both bounded pools now, held at once and
        given back: the first burst after a start (a day's slots released at 08:00) then
        finds them open instead of opening up to 24 server sessions while it waits (a few
        ms of the hub's and the server's CPU each, on the cores the burst needs). Run in
        the background at start; each connection is taken at its pool's gate, so a request
        meanwhile waits its turn. Stops at the first failure (the server's
        ``max_connections`` reached, the database away): the pools open the rest when
        needed, as before. Answers how many were held."""
        with PoolNesting.allowed():  # holding many at once is the point here
            return self._warm()

    def _warm(self) -> int:
        held_in_all = 0
        for engine in (self._autocommit, self.engine):
            gate = self._gates.get(engine)
            if gate is None:
                continue
            held: list[Connection] = []
            try:
                for _ in range(engine.pool.size()):
                    gate.acquire(PG_POOL_TIMEOUT_S)
                    try:
                        held.append(engine.connect())
                    except Exception:
                        gate.release()
                        raise
            except Exception as exc:  # noqa: BLE001 - the pools open the rest on demand
                log.info("opened %d database connections ahead; the rest on demand (%s)",
                         held_in_all + len(held), str(exc).strip().splitlines()[0] if str(exc).strip() else exc)
                self._give_back(held, gate)
                return held_in_all + len(held)
            self._give_back(held, gate)
            held_in_all += len(held)
        return held_in_all

    @staticmethod
    def _give_back(held: list[Connection], gate: FairGate) -> None:
        for conn in held:
            try:
                conn.close()
            finally:
                gate.release()

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
        if self.dialect == "postgresql":
            with self.single_statements() as conn:
                yield conn
            return
        engine = self.engine
        pool = engine.pool
        conn = None
        while self._readers:
            conn, its_pool = self._readers.pop()
            if its_pool is pool and conn.engine is engine and not conn.invalidated and not conn.closed:
                break
            self._close_quietly(conn, now=its_pool is not pool)
            conn = None
        if conn is None:
            conn = engine.connect()
        kept = False
        try:
            yield conn
            conn.rollback()
            if len(self._readers) < SQLITE_READERS and self.engine is engine and engine.pool is pool:
                self._readers.append((conn, pool))
                kept = True
        finally:
            if not kept:
                conn.close()

    @contextmanager
    def single_statements(self):
        """A connection in autocommit: each statement is its own transaction, with no
        BEGIN or COMMIT sent around it (PostgreSQL's issue in one statement)."""
        autocommit = self._autocommit
        if autocommit is not None and self.engine is self._own_engine:
            with self.connect(autocommit) as conn:
                yield conn
            return
        # SQLite, or an engine put in place of this one (a test's unreachable database)
        with self.engine.connect() as conn:
            yield conn.execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def writing(self):
        """The connection of a unit of work. SQLite: call it holding the writer lock; the
        one long-lived writer connection, or a pooled one for a unit of work opened inside
        another (the lock is re-entrant) or after the engine was replaced. Whatever the
        block leaves, the connection comes back out of any transaction; after an error it
        goes back to the pool, and the next unit of work checks out a fresh one."""
        if self._writer_lock is None or self._writer_busy:
            with self.engine.connect() as conn:
                yield conn
            return
        conn = self._writer
        if (conn is None or conn.closed or conn.invalidated or conn.engine is not self.engine
                or self.engine.pool is not self._writer_pool):
            # none yet, broken, or its engine replaced or disposed (``engine.dispose()``,
            # from a test, gives the engine a new pool): a fresh one from the pool
            if conn is not None:
                self._drop_writer(close_now=True)
            conn = self._writer = self.engine.connect()
            self._writer_pool = self.engine.pool
        self._writer_busy = True
        failed = True
        try:
            yield conn
            failed = False
        finally:
            self._writer_busy = False
            try:
                if conn.in_transaction():
                    conn.rollback()
                dbapi = conn.connection.driver_connection
                if dbapi is not None and dbapi.in_transaction:
                    dbapi.rollback()
            except Exception:  # noqa: BLE001 - a broken connection: the pool's to discard
                failed = True
            if failed or self._writer is not conn:
                if self._writer is conn:
                    self._writer = None
                conn.close()

    def _drop_writer(self, *, close_now: bool = False) -> None:
        conn, self._writer = self._writer, None
        if conn is not None and not self._writer_busy:
            self._close_quietly(conn, now=close_now)

    def _drop_readers(self) -> None:
        readers, self._readers = self._readers, []
        for conn, _pool in readers:
            self._close_quietly(conn, now=False)

    @staticmethod
    def _close_quietly(conn: Connection, *, now: bool) -> None:
        """Give a kept connection back; ``now``: its pool is already gone (disposed), so
        close the DBAPI connection itself rather than leave it to the collector."""
        try:
            if now:
                conn.invalidate()
            conn.close()
        except Exception:  # noqa: BLE001 - closing what may already be broken
            pass

    def checkpoint_forever(self, blocking: Callable, stopping, interval_s: float = CHECKPOINT_INTERVAL_S) -> None:
        """SQLite with ``checkpoint_aside``: until ``stopping`` (an Event) is set, every
        ``interval_s`` a passive checkpoint, run through ``blocking`` (the hub's
        threadpool): the WAL's frames copied into the database file and the file synced
        while the hub's loop goes on (sqlite3 lets go of the GIL for it). Passive: it
        waits for no reader and no writer, and a writer never waits for it; the WAL
        starts again from its beginning once every frame is copied. Anything else: no-op."""
        if not self.checkpoint_aside:
            return
        failing = False
        try:
            while not stopping.is_set():
                try:
                    blocking(self.checkpoint_once)
                    failing = False
                except Exception as exc:  # noqa: BLE001 - a locked or vanished file: next time
                    if not failing:
                        log.warning("the background checkpoint of the database failed: %s", exc)
                    failing = True
                    self._close_checkpointer()
                stopping.wait(interval_s)
        finally:
            self._close_checkpointer()

    def checkpoint_once(self) -> tuple[int, int, int]:
        """One passive checkpoint on the checkpoint thread's own connection: (busy, frames
        in the WAL, frames copied), as ``PRAGMA wal_checkpoint`` answers."""
        import sqlite3

        conn = self._checkpointer
        if conn is None:
            conn = sqlite3.connect(self.url.database, timeout=0, isolation_level=None,
                                   check_same_thread=False)
            self._checkpointer = conn
        busy, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if frames < 0:  # opened before the file was in WAL mode: open it again next time
            self._close_checkpointer()
        else:
            self.checkpoints += 1
        return busy, frames, copied

    def _close_checkpointer(self) -> None:
        conn, self._checkpointer = self._checkpointer, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - closing what may already be broken
                pass

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
        """Close every pooled connection (the writer's too); the next use opens new ones."""
        self._drop_writer()
        self._drop_readers()
        self.engine.dispose()
        if self._autocommit is not None:
            self._autocommit.dispose()


class PoolNesting:
    """A check for the bounded pools (``CHECK_POOL_NESTING``; the integration tests set
    it): notes, in ``POOL_NESTINGS`` with its stack, every checkout by a greenlet
    (or thread) that already holds a connection of the same pool, or of the transaction
    pool by one that holds an autocommit connection. Either could stall: with every
    connection of a pool held by callers waiting for one more, each waits
    ``PG_POOL_TIMEOUT_S`` and fails. An autocommit connection taken inside a unit of work
    is allowed: a holder of an autocommit connection never waits for the other pool."""

    _held: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # greenlet → [(kind, record id)]
    _allowed: weakref.WeakSet = weakref.WeakSet()  # greenlets that hold several on purpose

    @classmethod
    @contextmanager
    def allowed(cls):
        """Around code that holds several connections of one pool on purpose, each taken
        at the pool's gate (``Database.warm``)."""
        import greenlet

        me = greenlet.getcurrent()
        cls._allowed.add(me)
        try:
            yield
        finally:
            cls._allowed.discard(me)

    @classmethod
    def watch(cls, engine: Engine, kind: str) -> None:
        import traceback

        import greenlet

        @event.listens_for(engine, "checkout")
        def _out(dbapi_conn, record, proxy):  # noqa: ANN001
            me = greenlet.getcurrent()
            held = cls._held.setdefault(me, [])
            kinds = {k for k, _ in held}
            if me in cls._allowed:
                pass
            elif kind in kinds or (kind == "transaction" and "autocommit" in kinds):
                POOL_NESTINGS.append(f"{'an' if kind == 'autocommit' else 'a'} {kind} connection taken while holding "
                                     f"{sorted(kinds)}:\n" + "".join(traceback.format_stack(limit=30)))
            held.append((kind, id(record)))

        @event.listens_for(engine, "checkin")
        def _in(dbapi_conn, record):  # noqa: ANN001
            # given back by the greenlet that took it, or by the collector elsewhere
            for held in list(cls._held.values()):
                for i, (_, rid) in enumerate(held):
                    if rid == id(record):
                        del held[i]
                        return


def connection_dialect(conn: Connection) -> str:
    return conn.dialect.name
