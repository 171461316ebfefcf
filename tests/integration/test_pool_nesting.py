"""The bounded PostgreSQL pools' nesting check (database.PoolNesting) sees what could stall."""

from __future__ import annotations

from server.db.database import POOL_NESTINGS, Database


def test_a_second_connection_of_one_pool_is_noted_and_a_read_inside_a_transaction_is_not(pg_url):
    db = Database(pg_url)
    try:
        with db.engine.connect() as conn, db.reading() as read:  # a unit of work reads
            conn.exec_driver_sql("SELECT 1")
            read.exec_driver_sql("SELECT 1")
        assert POOL_NESTINGS == []

        with db.reading() as outer, db.single_statements() as inner:  # both autocommit
            outer.exec_driver_sql("SELECT 1")
            inner.exec_driver_sql("SELECT 1")
        assert len(POOL_NESTINGS) == 1
        assert POOL_NESTINGS[0].startswith("an autocommit connection taken while holding ['autocommit']")

        with db.reading() as read, db.engine.connect() as conn:  # autocommit, then a transaction
            read.exec_driver_sql("SELECT 1")
            conn.exec_driver_sql("SELECT 1")
        assert len(POOL_NESTINGS) == 2
        assert "a transaction connection taken while holding ['autocommit']" in POOL_NESTINGS[1]

        with db.reading() as read:  # given back: nothing held any more
            read.exec_driver_sql("SELECT 1")
        assert len(POOL_NESTINGS) == 2
    finally:
        POOL_NESTINGS.clear()
        db.dispose()


def test_warm_opens_both_pools_ahead_and_a_server_away_only_leaves_them_to_open_later(pg_url, tmp_path):
    from server.db.database import PG_AUTOCOMMIT_POOL, PG_TRANSACTION_POOL

    db = Database(pg_url)
    try:
        assert db.warm() == PG_AUTOCOMMIT_POOL + PG_TRANSACTION_POOL
        assert db._autocommit.pool.checkedin() == PG_AUTOCOMMIT_POOL
        assert db.engine.pool.checkedin() == PG_TRANSACTION_POOL
        with db.reading() as conn:  # the gates were all given back
            assert conn.exec_driver_sql("SELECT 1").scalar() == 1
        assert POOL_NESTINGS == []  # holding them at once is warm's purpose, not a nesting
    finally:
        db.dispose()

    away = Database("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")
    try:
        assert away.warm() == 0
    finally:
        away.dispose()
    assert Database(f"sqlite:///{tmp_path / 'x.sqlite3'}").warm() == 0
