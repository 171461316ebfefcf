"""Real hub processes with partner settings, a partner simulator, and a registered partner.

``partner_hub`` runs the demo hall open around the clock with appointments on
(``all_day_center`` of the appointments tests): a slot is under way whenever a test runs,
so a partner's booking can be checked in at once."""

from __future__ import annotations

import pytest

from bench.partner_sim import PartnerSimulator
from tests.e2e.appointments.conftest import all_day_center  # noqa: F401 - a fixture used below
from tests.support.api import Api
from tests.support.hubproc import HubProcess
from tests.support.partner import PartnerClient

PARTNER_ENV = {
    "YIMEN_SECRET_KEY": "one-key-for-every-hub-of-the-hall",
    "YIMEN_PARTNER_RETRY_BASE_S": "0.2",
    "YIMEN_PARTNER_RETRY_MAX_S": "1",
    "YIMEN_PARTNER_POLL_S": "0.05",
    "YIMEN_PARTNER_LEASE_S": "2",
    "YIMEN_PARTNER_TIMEOUT_S": "5",
}


@pytest.fixture
def partner_hub(tmp_path, all_day_center):  # noqa: F811 - the imported fixture
    process = HubProcess(tmp_path / "var", center=all_day_center, env=dict(PARTNER_ENV)).start()
    yield process
    process.stop()


@pytest.fixture
def simulator():
    sim = PartnerSimulator().start()
    yield sim
    sim.stop()


def register(hub_url: str, simulator: PartnerSimulator) -> tuple[dict, PartnerClient]:
    admin = Api(hub_url).login("admin")
    answer = admin.post("/devices", {"kind": "partner", "name": "青海省一网通办", "webhook_url": simulator.url})
    assert answer.status_code == 201, answer.text
    created = answer.json()
    simulator.key, simulator.secrets = created["key"], [created["secret"]]
    return created, PartnerClient(hub_url, created["key"], created["secret"])
