"""One place builds the process: create_app hangs every per-process object off the hub,
from the Config, and every background loop ends when the hub stops."""

from __future__ import annotations

import threading
import time

import pytest

from server.app import create_app
from server.config import TestingConfig


@pytest.fixture
def make_app(tmp_path):
    apps = []

    def make(**settings):
        settings.setdefault("DATABASE_URL", f"sqlite:///{tmp_path / 'y.sqlite3'}")
        app = create_app(TestingConfig(VAR_DIR=tmp_path, **settings))
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["yimen"].stop()
        app.extensions["yimen"].db.dispose()


def test_every_per_process_object_hangs_off_the_hub_built_from_config(make_app, tmp_path):
    app = make_app(DASHBOARD_INTERVAL_S=2.5, ALERT_LONG_WAIT_S=99, CJK_FONT="/fonts/hall.ttc",
                   VOICE_DIR=tmp_path / "sounds", KIOSK_PRINTERS="1=network:10.0.0.50")
    hub = app.extensions["yimen"]
    assert [key for key in app.extensions if key.startswith("yimen")] == ["yimen"]
    assert hub.install is not None and hub.install.center is hub.center
    assert hub.monitor.interval_s == 2.5
    assert hub.monitor.alerts.limits.long_wait_s == 99
    assert hub.monitor.alerts.limits.unattended_s == 600  # the default where none is given
    assert hub.printing.settings.font_path == "/fonts/hall.ttc"
    assert hub.printing.settings.device_printers == (("1", "network:10.0.0.50"),)
    assert hub.voice.clips_dir == tmp_path / "sounds" / "clips"
    assert hub.voice.blocking == hub.tasks.blocking
    assert hub.publisher.hub is hub


def test_the_voice_folder_defaults_under_var(make_app, tmp_path, monkeypatch):
    monkeypatch.delenv("YIMEN_VOICE_DIR", raising=False)
    hub = make_app().extensions["yimen"]
    assert hub.voice.clips_dir == tmp_path / "voice" / "clips"
    assert hub.voice.human_dir == tmp_path / "voice" / "human"


def test_every_background_loop_ends_when_the_hub_stops(make_app):
    from server.simulation.live import start_live

    before = set(threading.enumerate())
    app = make_app(DASHBOARD_INTERVAL_S=30)
    hub = app.extensions["yimen"]
    hub.monitor.start()
    start_live(hub, 60)
    loops = set(threading.enumerate()) - before
    assert len(loops) >= 4  # flusher, day close, managers' monitor, simulation
    hub.stop()
    deadline = time.monotonic() + 15
    for thread in loops:
        thread.join(max(0.0, deadline - time.monotonic()))
    assert [t.name for t in loops if t.is_alive()] == []
