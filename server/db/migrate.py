"""Bringing a database to the current schema with Alembic, from code."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from .database import Database

MIGRATIONS = Path(__file__).with_name("migrations")


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(db: Database) -> None:
    """Apply every pending migration (idempotent). Holds the writer lock on SQLite.

    On PostgreSQL, several hubs starting together serialise on an advisory lock.
    """
    cfg = _config()
    lock = db.writer_lock
    if lock is not None:
        lock.acquire()
    try:
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(727166)")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    finally:
        if lock is not None:
            lock.release()
