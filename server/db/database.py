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
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError


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
        return create_engine(
            self.url,
            echo=echo,
            pool_size=10,
            max_overflow=30,
            pool_pre_ping=True,
            pool_recycle=1800,
        )

    @property
    def writer_lock(self):
        """The process-wide writer lock on SQLite; None on PostgreSQL."""
        return self._writer_lock

    @contextmanager
    def reading(self):
        """A connection for reads; never takes the writer lock."""
        with self.engine.connect() as conn:
            yield conn
            conn.rollback()

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
