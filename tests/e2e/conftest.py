"""End-to-end fixtures: two hubs on one PostgreSQL database joined by Redis."""

from __future__ import annotations

import pytest

from tests.support.hubproc import HubProcess


@pytest.fixture
def hub_pair(tmp_path, pg_url, redis_url, mq_channel):
    """Two hub processes on two ports acting as one hall."""
    env = {"YIMEN_MQ_CHANNEL": mq_channel}
    first = HubProcess(tmp_path / "a", db=pg_url, message_queue=redis_url, env=env).start()
    second = HubProcess(tmp_path / "b", db=pg_url, message_queue=redis_url, env=env).start()
    yield first, second
    first.stop()
    second.stop()
