"""Hub processes over the demo hall with appointments turned on (a center file written
for the test: the demo's own file books nothing)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from server.queueing.identity import check_character
from tests.support.hubproc import HubProcess

DEMO = Path(__file__).resolve().parents[3] / "server" / "centers" / "haibei.yaml"
APPOINTMENTS = """  appointments:
    enabled: true
    per_slot: 4
"""


def with_appointments(text: str, extra: str = "") -> str:
    """The demo center with bookings on: under its ``rules:`` section (or a new one)."""
    block = APPOINTMENTS + extra
    if re.search(r"^rules:\n", text, flags=re.M):
        return re.sub(r"^rules:\n", lambda m: m.group(0) + block, text, count=1, flags=re.M)
    return text + "\nrules:\n" + block
# A burst comes from one test address: the per-address write limit is not what is tested.
BURST_ENV = {"YIMEN_RATELIMIT": "0"}


def id_number(n: int) -> str:
    first17 = f"63010219900101{n:03d}"
    return first17 + check_character(first17)


@pytest.fixture
def booking_center(tmp_path) -> str:
    path = tmp_path / "booking-hall.yaml"
    path.write_text(with_appointments(DEMO.read_text(encoding="utf-8")), encoding="utf-8")
    return str(path)


@pytest.fixture
def all_day_center(tmp_path) -> str:
    """Open around the clock with today a working day, with half-hour slots: a slot has
    begun whenever the test runs (but in the last half hour of the day)."""
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    text = DEMO.read_text(encoding="utf-8")
    text = re.sub(r"^  hours: .*$", '  hours: ["00:00-23:59"]', text, count=1, flags=re.M)
    path = tmp_path / "all-day-hall.yaml"
    path.write_text(with_appointments(text, "    slot_minutes: 30\n")
                    + f"calendar:\n  workdays: [{today}]\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def all_day_hub(tmp_path, all_day_center):
    hub = HubProcess(tmp_path / "all-day", center=all_day_center, env=dict(BURST_ENV)).start()
    yield hub
    hub.stop()


@pytest.fixture
def booking_hub(tmp_path, booking_center):
    hub = HubProcess(tmp_path / "hub", center=booking_center, env=dict(BURST_ENV)).start()
    yield hub
    hub.stop()


@pytest.fixture
def booking_hub_pair(tmp_path, booking_center, pg_url, redis_url, mq_channel):
    env = {"YIMEN_MQ_CHANNEL": mq_channel, **BURST_ENV}
    first = HubProcess(tmp_path / "a", db=pg_url, message_queue=redis_url, center=booking_center,
                       env=env).start()
    second = HubProcess(tmp_path / "b", db=pg_url, message_queue=redis_url, center=booking_center,
                        env=env).start()
    yield first, second
    first.stop()
    second.stop()
