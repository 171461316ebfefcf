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
