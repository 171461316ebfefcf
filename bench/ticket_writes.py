"""SQLite's own work for a walk-in's ticket on the raw driver: the schema before
migration 0011 against the current one, and k tickets sharing one commit.

    python -m bench.ticket_writes [--blocks 15]

Two databases in one process (one migrated to head, one taken back to 0010), the
statements a walk-in's ticket runs on SQLite (the counter's upsert, the ticket's insert,
its event's insert) and the commit, in blocks of 200 tickets alternated between them
after 2,000 in each; the CPU per ticket of each block (median and fastest), and the
WAL frames per ticket. ``k=4``: four tickets a transaction, a savepoint each (what a
group commit would cost at the database; the gathering of requests is not in it). The
count of those ahead is left out: it grows with the line, not with the schema.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from alembic import command

from server.db import migrate
from server.db.database import Database

BLOCK = 200


def make(var: Path, revision: str) -> tuple[sqlite3.Connection, Path, list[int]]:
    path = var / f"{revision}.sqlite3"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    if revision != "head":
        cfg = migrate._config()
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)
    db.dispose()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    return conn, path, [0]


def ticket(cur: sqlite3.Cursor, counter: list[int]) -> None:
    counter[0] += 1
    i = counter[0]
    at = f"2026-12-02 01:{i // 60 % 60:02d}:{i % 60:02d}.{i % 1000000:06d}"
    prefix, queue = "ABCDEFGH"[i % 8], f"q{i % 8}"
    cur.execute("INSERT INTO number_counters (service_day, prefix, last_number) VALUES ('2026-12-02', ?, 1) "
                "ON CONFLICT (service_day, prefix) DO UPDATE SET last_number = last_number + 1 "
                "RETURNING last_number", (prefix,)).fetchall()
    cur.execute("INSERT INTO tickets (token, service_day, prefix, sequence, number, matter_id, queue_id, unit_id, "
                "priority, status, issued_at, recalls, transfers, quoted_wait_s, idempotency_key, device_id) "
                "VALUES (?, '2026-12-02', ?, ?, ?, 'm', ?, 'u', 0, 'waiting', ?, 0, 0, 300, ?, '1') RETURNING id",
                (secrets.token_urlsafe(18), prefix, i, f"{prefix}{i:03d}", queue, at, f"k-{i}")).fetchall()
    cur.execute("INSERT INTO events (at, service_day, kind, actor, ticket_id, queue_id, data) "
                "VALUES (?, '2026-12-02', 'ticket_issued', 'device:1', ?, ?, '{}')", (at, i, queue))


def block(conn: sqlite3.Connection, counter: list[int], k: int, count: int = BLOCK) -> float:
    cur = conn.cursor()
    started = time.process_time()
    for _ in range(count // k):
        cur.execute("BEGIN IMMEDIATE")
        for _ in range(k):
            if k > 1:
                cur.execute("SAVEPOINT t")
            ticket(cur, counter)
            if k > 1:
                cur.execute("RELEASE t")
        cur.execute("COMMIT")
    return (time.process_time() - started) / count * 1e6


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=15)
    args = parser.parse_args(argv)
    var = Path(tempfile.mkdtemp(prefix="yimen-writes-"))
    try:
        dbs = {"before 0011": make(var, "0010"), "head": make(var, "head")}
        for conn, _path, counter in dbs.values():
            for _ in range(10):
                block(conn, counter, 1)
        kinds = [("before 0011", 1), ("head", 1), ("head", 4)]
        spent: dict[tuple[str, int], list[float]] = {kind: [] for kind in kinds}
        for _ in range(args.blocks):
            for name, k in kinds:
                conn, _path, counter = dbs[name]
                spent[(name, k)].append(block(conn, counter, k))
            for conn, _path, _counter in dbs.values():
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for (name, k), values in spent.items():
            print(f"{name:12s} k={k}: median {statistics.median(values):6.1f} µs, fastest {min(values):6.1f} µs "
                  f"a ticket ({args.blocks} blocks of {BLOCK})")
        for name, k in kinds:
            conn, path, counter = dbs[name]
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            block(conn, counter, k)
            frames = (Path(str(path) + "-wal").stat().st_size - 32) / (conn.execute("PRAGMA page_size").fetchone()[0] + 24)
            print(f"{name:12s} k={k}: {frames / BLOCK:.2f} WAL frames a ticket")
        for conn, _path, _counter in dbs.values():
            conn.close()
    finally:
        shutil.rmtree(var, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
