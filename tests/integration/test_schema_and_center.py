"""Migrations, the stored center and its updates, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from server.center_file import load_demo_center
from server.db.database import Database, DatabaseConfigError
from server.db.migrate import current_revision, head_revision
from server.db.tables import metadata
from server.queueing.center import Window
from server.queueing.errors import CenterUpdateRefusedError
from server.services.center_setup import install_center


def test_migrations_build_exactly_the_tables(make_hub, db_url):
    make_hub()
    db = Database(db_url)
    try:
        assert current_revision(db) == head_revision()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
        assert diff == []
    finally:
        db.dispose()


def test_first_start_loads_the_center_and_later_starts_keep_it(make_hub, db_url, clock):
    hub = make_hub()
    assert len(hub.center.windows) == 72
    db = Database(db_url)
    try:
        again = install_center(db, None, "restart", clock)
        assert not again.first_load and again.center == hub.center
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM window_states").scalar() == 72
    finally:
        db.dispose()


def test_a_file_that_adds_and_renames_is_applied(make_hub, db_url, clock):
    hub = make_hub()
    center = hub.center
    renamed = dataclasses.replace(center.windows["w01"], name="社保综合窗口")
    new_window = Window(id="w73", number=73, name="73号窗口", zone_id="f2", kind="standalone",
                        queue_ids=("police",))
    windows = {**center.windows, "w01": renamed, "w73": new_window}
    queues = {**center.queues,
              "police": dataclasses.replace(center.queues["police"],
                                            window_ids=center.queues["police"].window_ids + ("w73",))}
    updated = dataclasses.replace(center, windows=windows, queues=queues)
    db = Database(db_url)
    try:
        result = install_center(db, updated, "update.yaml", clock)
        assert result.changes and result.center.windows["w73"].number == 73
        assert install_center(db, None, "restart", clock).center.windows["w01"].name == "社保综合窗口"
    finally:
        db.dispose()


def test_a_file_that_removes_is_refused_with_one_line(make_hub, db_url, clock):
    hub = make_hub()
    windows = dict(hub.center.windows)
    del windows["w72"]
    shrunk = dataclasses.replace(hub.center, windows=windows)
    db = Database(db_url)
    try:
        with pytest.raises(CenterUpdateRefusedError) as info:
            install_center(db, shrunk, "shrunk.yaml", clock)
        assert "\n" not in info.value.message and "w72" in info.value.message
        assert len(install_center(db, None, "restart", clock).center.windows) == 72
    finally:
        db.dispose()


def test_bad_database_urls_say_what_is_wrong():
    with pytest.raises(DatabaseConfigError, match="not a database URL"):
        Database("nonsense")
    with pytest.raises(DatabaseConfigError, match="unsupported database"):
        Database("mysql://localhost/x")
    db = Database("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(DatabaseConfigError, match="cannot reach database"):
        db.check_connection()


def test_demo_center_is_the_default(tmp_path, clock):
    db = Database(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    try:
        assert install_center(db, load_demo_center(), "demo", clock).first_load
    finally:
        db.dispose()
