"""SQLite's WAL copied back into the database file by a thread of its own, not by the
connection that commits (whose checkpoint would hold the hub's whole loop)."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from server.db.database import Database
from tests.support.api import Api
from tests.support.hubproc import HubProcess
from tests.support.waiting import wait_until


def _fill(db: Database, rows: int) -> None:
    with db.writing() as conn, conn.begin():
        conn.execute(text("CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, body TEXT)"))
    for _ in range(0, rows, 100):
        with db.writing() as conn, conn.begin():
            conn.execute(text("INSERT INTO filler (body) VALUES (:body)"),
                         [{"body": "x" * 2000} for _ in range(100)])


def test_commits_leave_the_wal_alone_and_the_checkpoint_copies_it(tmp_path):
    path = tmp_path / "aside.sqlite3"
    db = Database(f"sqlite:///{path}", checkpoint_aside=True)
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        _fill(db, 3000)  # ~1,500 pages: past the 1,000 after which a commit would copy them
        before = path.stat().st_size
        busy, frames, copied = db.checkpoint_once()
        assert busy == 0 and frames >= 1000 and copied == frames
        assert path.stat().st_size > before + 1000 * 2000
        with db.reading() as conn:
            assert conn.execute(text("SELECT count(*) FROM filler")).scalar() == 3000
    finally:
        db._close_checkpointer()
        db.dispose()


def test_without_it_a_commit_checkpoints_as_sqlite_does(tmp_path):
    path = tmp_path / "plain.sqlite3"
    db = Database(f"sqlite:///{path}")
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
        db.checkpoint_forever(lambda fn: fn(), threading.Event())  # returns at once: nothing to do
        assert db.checkpoints == 0
    finally:
        db.dispose()


def test_the_loop_checkpoints_until_stopped(tmp_path):
    path = tmp_path / "loop.sqlite3"
    db = Database(f"sqlite:///{path}", checkpoint_aside=True)
    stopping = threading.Event()
    loop = threading.Thread(target=db.checkpoint_forever, args=(lambda fn: fn(), stopping, 0.05))
    loop.start()
    try:
        _fill(db, 300)
        grown = path.stat().st_size
        wait_until(lambda: path.stat().st_size > grown, what="the WAL copied into the database file")
    finally:
        stopping.set()
        loop.join(timeout=5)
        db.dispose()
    assert not loop.is_alive() and db._checkpointer is None


def test_a_running_hub_copies_its_wal_back_in_the_background(tmp_path):
    hub = HubProcess(tmp_path / "var").start()
    try:
        database = Path(hub.var_dir) / "yimen.sqlite3"
        kiosk = Api.kiosk(hub.url)
        wal = database.with_name(database.name + "-wal")
        for _ in range(20):  # a few dozen pages: a commit alone would not checkpoint them yet
            kiosk.issue()
        # the database file written after the WAL's last write: its frames copied back
        wait_until(lambda: database.stat().st_mtime_ns > wal.stat().st_mtime_ns, timeout=15,
                   what="the hub's WAL copied into its database file")
    finally:
        hub.stop()
