"""Managers' figures: the day, the dashboard, reports and planning (``docs/manager.md``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import Field

from . import Answer


class Figures(Answer):
    """The counts and times of a set of tickets."""

    issued: int
    called: int
    served: int
    waiting: int
    no_show: int
    cancelled: int
    accepted: int
    returned: int
    transfers: int
    avg_wait_s: float | None
    max_wait_s: int | None
    avg_service_s: float | None


class DayStats(Figures):
    date: date
    by_queue: list[dict[str, Any]]
    by_window: list[dict[str, Any]]


class Dashboard(Answer):
    at: datetime
    center: str
    today: dict[str, Any]
    queues: list[dict[str, Any]]
    windows: list[dict[str, Any]]
    zones: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    window_states: dict[str, int]


class ReportRow(Figures):
    key: Any
    label: str


class Report(Answer):
    from_: date = Field(alias="from")
    to: date
    by: str
    total: Figures
    rows: list[ReportRow]


class Heatmap(Answer):
    weekdays: list[str]
    cells: list[list[int]]
    days_per_weekday: list[int]


class Accuracy(Answer):
    within_s: int
    total: dict[str, Any]
    by_queue: list[dict[str, Any]]
    by_hour: list[dict[str, Any]]


class DataAmount(Answer):
    """How much data a plan had: below the minimum it says so and advises nothing."""

    too_little_data: bool
    service_days: int
    tickets: int
    min_service_days: int
    min_tickets: int


class UnitPlan(DataAmount):
    threshold: int
    annual_factor: float
    changes: int
    units: list[dict[str, Any]]


class WindowPlan(DataAmount):
    target_s: int
    target_share: float
    working_days: int
    hours: list[int]
    queues: list[dict[str, Any]]
