"""Partners against a real database: a hub with partner settings and a partner simulator."""

from __future__ import annotations

import pytest

from bench.partner_sim import PartnerSimulator
from server.services.partners import access
from server.services.partners.access import Partners, PartnerSettings
from server.services.partners.secret_box import SecretBox

FAST = PartnerSettings(retry_base_s=2.0, retry_max_s=60.0, retry_for_s=86400.0, poll_s=0.05,
                       lease_s=30.0, timeout_s=5.0)


@pytest.fixture
def partner_hub(service_hub):
    service_hub.partners = Partners(SecretBox("testing"), FAST, hub_name="hub-a")
    return service_hub


@pytest.fixture
def simulator(clock):
    """A partner platform on a free port; judges timestamps by the test's clock."""
    sim = PartnerSimulator(clock=lambda: clock.now().timestamp())
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def partner(partner_hub, simulator):
    """A registered partner whose webhooks go to the simulator."""
    created = access.create_partner(partner_hub, name="青海省一网通办", webhook_url=simulator.url)
    simulator.key, simulator.secrets = created["key"], [created["secret"]]
    return created
