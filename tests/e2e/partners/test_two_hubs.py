"""Two hub processes on one PostgreSQL database joined by Redis: a nonce used at one hub
is refused at the other; every webhook is delivered once."""

from __future__ import annotations

import pytest

from tests.support.hubproc import HubProcess

from .conftest import PARTNER_ENV, register


@pytest.fixture
def partner_pair(tmp_path, pg_url, redis_url, mq_channel):
    env = {**PARTNER_ENV, "YIMEN_MQ_CHANNEL": mq_channel}
    first = HubProcess(tmp_path / "a", db=pg_url, message_queue=redis_url, env=env).start()
    second = HubProcess(tmp_path / "b", db=pg_url, message_queue=redis_url, env=env).start()
    yield first, second
    first.stop()
    second.stop()


def test_a_replay_to_the_second_hub_is_refused(partner_pair, simulator):
    first, second = partner_pair
    _, partner = register(first.url, simulator)
    body = b'{"matter_id": "hukou-move-in"}'
    headers = partner.headers("POST", "/api/v1/tickets", body)
    assert partner.request("POST", "/tickets", {"matter_id": "hukou-move-in"}, headers=headers).status_code == 201
    partner.base_url = second.url
    replay = partner.request("POST", "/tickets", {"matter_id": "hukou-move-in"}, headers=headers)
    assert replay.status_code == 401 and replay.json()["error"]["code"] == "replayed_request"
    assert partner.issue("hukou-move-in")["number"] == "B002"  # a fresh nonce at the second hub


def test_two_hubs_deliver_every_webhook_once(partner_pair, simulator):
    first, second = partner_pair
    _, partner = register(first.url, simulator)
    simulator.behaviour.delay_s = 0.05
    issued = []
    for i in range(30):
        partner.base_url = (first, second)[i % 2].url
        issued.append(partner.issue("hukou-move-in"))
    simulator.wait_for(lambda sim: len(sim.accepted()) >= len(issued), timeout_s=40)
    ids = [r.body["id"] for r in simulator.received]
    assert len(ids) == len(set(ids)) == len(issued)
    assert {r.body["data"]["ticket"]["id"] for r in simulator.accepted()} == {t["id"] for t in issued}
