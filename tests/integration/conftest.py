"""Services against a real database (SQLite file and PostgreSQL), with a controlled clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from server.center_file import load_demo_center
from server.db import database
from server.db.database import POOL_NESTINGS, Database
from server.queueing.clock import ManualClock
from server.services.accounts.users import set_user_password
from server.services.center_setup import install_center
from server.services.hub import Hub
from tests.support.fakes import RecordingPublisher

# Every checkout from PostgreSQL's bounded pools is watched for a caller taking a second
# connection while holding one (database.PoolNesting).
database.CHECK_POOL_NESTING = True

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 Asia/Shanghai


@pytest.fixture(autouse=True)
def no_pool_nesting():
    """No test's services take a second pooled PostgreSQL connection while holding one
    (it could stall a busy hub for PG_POOL_TIMEOUT_S: see database.PoolNesting)."""
    POOL_NESTINGS.clear()
    yield
    found, POOL_NESTINGS[:] = list(POOL_NESTINGS), []
    assert not found, "a pooled connection taken while holding one:\n" + found[0]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'yimen.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def make_hub(db_url, clock):
    """Build a hub over the test database; call again to 'restart' it on the same data."""
    databases = []

    def build(center=None) -> Hub:
        db = Database(db_url)
        databases.append(db)
        install = install_center(db, center or load_demo_center(), "demo", clock)
        return Hub(db, install.center, clock=clock, publisher=RecordingPublisher())

    yield build
    for db in databases:
        db.dispose()


@pytest.fixture
def service_hub(make_hub) -> Hub:
    return make_hub()


@pytest.fixture
def clerk_actor(service_hub):
    """A clerk account and the Actor the services see for it."""
    from server.services.accounts.users import staff_actor

    def make(username: str = "clerk1"):
        set_user_password(service_hub, username, "secret-pass", role="clerk", name=username)
        with service_hub.reading() as repos:
            return staff_actor(repos.users.by_username(username))

    return make
