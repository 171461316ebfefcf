"""Backups that restore: an online copy of a running hub's database, and bringing it back.

SQLite: the SQLite backup API copies the whole database in one step inside one read
transaction, so the copy is the database as it was at one instant, while the hub goes
on writing (WAL: readers never block the writer). The copy is checked and written to a
temporary name first, then renamed, so a backup file is either complete or absent.

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore``, which must be installed.

A running hub holds an advisory lock beside its SQLite file (``<file>.hub-lock``);
restore refuses to overwrite a database whose lock is held.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

BACKUP_PREFIX = "yimen-"
SQLITE_SUFFIX = ".sqlite3"
PG_SUFFIX = ".pgdump"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in one line."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    tickets: int | None
    seconds: float
    removed: tuple[Path, ...] = ()


# --- where the database is ------------------------------------------------------------------
def parse_url(url: str) -> URL:
    parsed = make_url(url)
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise BackupError(f"cannot back up {parsed.get_backend_name()!r} databases: sqlite or postgresql only")
    return parsed


def sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def backup_target(path: Path, suffix: str, at: datetime) -> Path:
    """A folder gets a dated file name inside it; anything else is the file itself."""
    if path.is_dir():
        return path / f"{BACKUP_PREFIX}{at:%Y%m%d-%H%M%S}{suffix}"
    return path


def prune(folder: Path, suffix: str, keep: int) -> tuple[Path, ...]:
    """Delete this tool's dated backups in ``folder`` beyond the newest ``keep``."""
    dated = sorted(p for p in folder.glob(f"{BACKUP_PREFIX}*{suffix}") if p.is_file())
    doomed = dated[:-keep] if keep > 0 else []
    for old in doomed:
        old.unlink()
    return tuple(doomed)


# --- the running hub's lock -------------------------------------------------------------------
def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".hub-lock")


def hold_hub_lock(url: str):
    """Called by a starting hub on SQLite: an open file holding an exclusive advisory
    lock for as long as the process lives (keep a reference to it). None otherwise."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    path = lock_path(Path(parsed.database))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise BackupError(f"another hub already uses {parsed.database}") from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def _hub_running(database: Path) -> str | None:
    """The pid of the hub using ``database``, or None when no process holds its lock."""
    path = lock_path(database)
    if not path.exists():
        return None
    with path.open("r") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return handle.read().strip() or "?"
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


# --- SQLite -----------------------------------------------------------------------------------
def _count_tickets(conn: sqlite3.Connection) -> int | None:
    try:
        return conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
    except sqlite3.DatabaseError:
        return None


def _check_copy(path: Path) -> int | None:
    """Refuse a file that is not a sound Yimen database; answer its ticket count."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}") from None
    try:
        verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"{path} is damaged: {verdict}")
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"alembic_version", "tickets"} <= tables:
            raise BackupError(f"{path} is not a Yimen database (no tickets or alembic_version table)")
        return _count_tickets(conn)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}") from None
    finally:
        conn.close()


def _copy_sqlite(source: Path, target: Path) -> None:
    """One-step online copy of ``source`` into ``target`` (a self-contained file, no WAL)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # pages=-1: everything in one step, one consistent snapshot
        dst.execute("PRAGMA journal_mode=DELETE")
        dst.commit()
    finally:
        dst.close()
        src.close()


def backup_sqlite(url: URL, path: Path, *, keep: int = 0, at: datetime | None = None) -> BackupResult:
    source = sqlite_path(url)
    if not source.exists():
        raise BackupError(f"no database at {source} (wrong --var or --db?)")
    started = time.monotonic()
    target = backup_target(path, SQLITE_SUFFIX, at or datetime.now())
    if not target.parent.is_dir():
        raise BackupError(f"no folder {target.parent} to write the backup into")
    partial = target.with_name(target.name + ".partial")
    try:
        _copy_sqlite(source, partial)
        tickets = _check_copy(partial)
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        partial.replace(target)
    except sqlite3.Error as exc:
        raise BackupError(f"backing up {source} failed: {exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    removed = prune(target.parent, SQLITE_SUFFIX, keep) if path.is_dir() else ()
    return BackupResult(target, target.stat().st_size, tickets, time.monotonic() - started, removed)


def restore_sqlite(url: URL, backup: Path, *, at: datetime | None = None) -> Path | None:
    """Bring ``backup`` back as the database at ``url``; the database it replaces is kept
    beside it (its path is returned). Refuses while a hub uses the database."""
    target = sqlite_path(url)
    if not backup.is_file():
        raise BackupError(f"no backup file at {backup}")
    _check_copy(backup)
    pid = _hub_running(target)
    if pid:
        raise BackupError(f"a running hub (pid {pid}) uses {target}: stop it first "
                          f"(systemctl stop yimen), then restore")
    target.parent.mkdir(parents=True, exist_ok=True)
    kept = None
    if target.exists():
        kept = target.with_name(f"{target.name}.before-restore-{(at or datetime.now()):%Y%m%d-%H%M%S}")
        _copy_sqlite(target, kept)
    try:
        # Through the backup API too: SQLite replaces the content and deals with the
        # old database's WAL file itself (copying the file over it would not).
        src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        dst = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
        finally:
            dst.close()
            src.close()
    except sqlite3.Error as exc:
        raise BackupError(f"restoring into {target} failed: {exc}") from None
    return kept


# --- PostgreSQL -------------------------------------------------------------------------------
def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed: apt-get install postgresql-client "
                          f"(the same major version as the server)")
    return found


def _pg_command(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for the PostgreSQL tools; the password goes in the
    environment, never on a command line that every user can read."""
    args = ["--dbname", url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{what} failed: {detail}")


def backup_postgres(url: URL, path: Path, *, keep: int = 0, at: datetime | None = None) -> BackupResult:
    started = time.monotonic()
    target = backup_target(path, PG_SUFFIX, at or datetime.now())
    partial = target.with_name(target.name + ".partial")
    conn_args, env = _pg_command(url)
    try:
        _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial), *conn_args],
             env, "pg_dump")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    removed = prune(target.parent, PG_SUFFIX, keep) if path.is_dir() else ()
    return BackupResult(target, target.stat().st_size, None, time.monotonic() - started, removed)


def _pg_other_sessions(url: URL) -> int:
    import psycopg

    with psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False)) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND pid <> pg_backend_pid()").fetchone()[0]


def restore_postgres(url: URL, backup: Path) -> None:
    if not backup.is_file():
        raise BackupError(f"no backup file at {backup}")
    tool = _pg_tool("pg_restore")
    others = _pg_other_sessions(url)
    if others:
        raise BackupError(f"{others} other session(s) use database {url.database}: stop every hub first")
    conn_args, env = _pg_command(url)
    _run([tool, "--clean", "--if-exists", "--no-owner", "--single-transaction", *conn_args, str(backup)],
         env, "pg_restore")
