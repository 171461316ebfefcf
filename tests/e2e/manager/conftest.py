"""A real hub with six weeks of history, driven live by the simulator (``--simulate``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.simulation.bulk import BulkHistory
from server.simulation.offline import offline_hub
from tests.support.api import Api
from tests.support.hubproc import HubProcess

HISTORY_DAYS = 42


def _history(var_dir) -> None:
    """Past working days written into the hub's own database before it starts."""
    url = f"sqlite:///{var_dir / 'yimen.sqlite3'}"
    hub, _ = offline_hub(url, start=datetime.now(UTC))
    today = datetime.now(ZoneInfo(hub.center.timezone)).date()
    days = [today - timedelta(days=i) for i in range(HISTORY_DAYS, 0, -1)]
    BulkHistory(hub, seed=11).write_days([d for d in days if d.weekday() < 5])
    hub.db.engine.dispose()


@pytest.fixture(scope="module")
def sim_hub(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("manager-hub")
    _history(var_dir)
    process = HubProcess(var_dir, args=["--simulate", "--speed", "150"],
                         env={"YIMEN_DASHBOARD_INTERVAL_S": "1", "YIMEN_ALERT_LONG_WAIT_S": "8",
                              "YIMEN_ALERT_CALLED_S": "5"}).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def manager_api(sim_hub) -> Api:
    return Api(sim_hub.url).login("manager")


@pytest.fixture(scope="module")
def today(manager_api) -> date:
    return date.fromisoformat(manager_api.get("/stats").json()["date"])
