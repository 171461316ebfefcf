"""Hub processes over the demo hall, which takes appointments (its
``rules.appointments``); a center file written for a test changes a few of those rules."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from server.queueing.identity import check_character
from tests.support.hubproc import HubProcess

DEMO = Path(__file__).resolve().parents[3] / "server" / "centers" / "haibei.yaml"


def with_appointments(text: str, **fields: object) -> str:
    """The demo center with these ``rules.appointments`` fields set (added to its block)."""
    assert re.search(r"^  appointments:.*\n    enabled: true\b", text, flags=re.M), "the demo takes bookings"
    lines = "".join(f"    {name}: {value}\n" for name, value in fields.items())
    return re.sub(r"^  appointments:.*\n", lambda m: m.group(0) + lines, text, count=1, flags=re.M)


# A burst comes from one test address: the per-address write limit is not what is tested.
BURST_ENV = {"YIMEN_RATELIMIT": "0"}


def id_number(n: int) -> str:
    first17 = f"63010219900101{n:03d}"
    return first17 + check_character(first17)


def all_day_center_file(path: Path, **fields: object) -> str:
    """The demo hall open around the clock with today and tomorrow working days (a test
    may run across midnight) and these ``rules.appointments`` fields: a slot is under way
    whenever the test runs (but in the day's last slot_minutes)."""
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    text = DEMO.read_text(encoding="utf-8")
    text = re.sub(r"^  hours: .*$", '  hours: ["00:00-23:59"]', text, count=1, flags=re.M)
    path.write_text(with_appointments(text, **fields) + f"calendar:\n  workdays: [{today}, {today + timedelta(days=1)}]\n",
                    encoding="utf-8")
    return str(path)


@pytest.fixture
def all_day_center(tmp_path) -> str:
    """Half-hour slots around the clock."""
    return all_day_center_file(tmp_path / "all-day-hall.yaml", slot_minutes=30)


@pytest.fixture
def all_day_hub(tmp_path, all_day_center):
    hub = HubProcess(tmp_path / "all-day", center=all_day_center, env=dict(BURST_ENV)).start()
    yield hub
    hub.stop()


@pytest.fixture
def no_show_hub(tmp_path):
    """One-minute slots missed the moment they end, one miss blocks (the threshold of two or
    more is the integration tests'), and the hub's own appointments loop running every half
    second: the no-show happens within a minute."""
    center = all_day_center_file(tmp_path / "no-show-hall.yaml", slot_minutes=1, late_minutes=0,
                                 strikes=1)
    hub = HubProcess(tmp_path / "no-show", center=center,
                     env={**BURST_ENV, "YIMEN_APPOINTMENTS_INTERVAL_S": "0.5",
                          "YIMEN_LOG_LEVEL": "INFO"}).start()
    yield hub
    hub.stop()


@pytest.fixture
def booking_hub(tmp_path):
    hub = HubProcess(tmp_path / "hub", env=dict(BURST_ENV)).start()  # the demo hall as it is
    yield hub
    hub.stop()


@pytest.fixture
def booking_hub_pair(tmp_path, pg_url, redis_url, mq_channel):
    env = {"YIMEN_MQ_CHANNEL": mq_channel, **BURST_ENV}
    first = HubProcess(tmp_path / "a", db=pg_url, message_queue=redis_url, env=env).start()
    second = HubProcess(tmp_path / "b", db=pg_url, message_queue=redis_url, env=env).start()
    yield first, second
    first.stop()
    second.stop()
