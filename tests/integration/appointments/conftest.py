"""A hub over the demo hall with appointments turned on, SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses

import pytest

from server.center_file import load_demo_center
from server.queueing.rules import AppointmentRules

TAX_MATTER = "tax-invoice"  # replaced below by the first matter of the tax queue


def booking_center(**rules):
    center = load_demo_center()
    appointments = AppointmentRules(**{"enabled": True, **rules})
    return dataclasses.replace(center, rules=dataclasses.replace(center.rules,
                                                                 appointments=appointments))


@pytest.fixture
def booking_hub(make_hub):
    hub = make_hub(booking_center())
    hub.settings.secret_key = "test-secret"
    return hub


@pytest.fixture
def matter_id(booking_hub) -> str:
    return next(m.id for m in booking_hub.center.matters.values() if m.queue_id == "tax")
