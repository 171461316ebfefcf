"""Connection settings of the machine's PostgreSQL and Redis, and fresh databases on them."""

from __future__ import annotations

import os
import uuid

PG_URL = os.environ.get("YIMEN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("YIMEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def pg_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -e .[test])"
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    try:
        with psycopg.connect(host=url.host, port=url.port or 5432, user=url.username,
                             dbname=url.database or "postgres", connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001
        return f"PostgreSQL at {url.host}:{url.port} is not reachable: {exc}".splitlines()[0]


def create_pg_database() -> tuple[str, callable]:
    """A new empty database; returns its URL and a function that drops it."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    name = f"yimen_test_{uuid.uuid4().hex[:12]}"
    params = dict(host=url.host, port=url.port or 5432, user=url.username, dbname=url.database or "postgres",
                  autocommit=True)
    with psycopg.connect(**params) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(**params) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url.set(database=name).render_as_string(hide_password=False), drop


def redis_available() -> str | None:
    try:
        import redis
    except ImportError:
        return "redis is not installed (pip install -e .[test])"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
        return None
    except Exception as exc:  # noqa: BLE001
        return f"Redis at {REDIS_URL} is not reachable: {exc}".splitlines()[0]
