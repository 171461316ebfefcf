"""The center, its queues and the hall snapshot."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from . import Answer


class QueueSummary(Answer):
    id: str
    name: str
    prefix: str
    waiting: int
    longest_wait_s: int
    estimated_wait_s: int
    window_ids: list[str]
    name_en: str | None = None
    open_windows: int | None = None
    served_today: int | None = None
    no_window_open: bool | None = None  # addition: then no estimate is shown
    next_opening: datetime | None = None  # addition: when the opening hours next begin


class Call(Answer):
    """``ticket_called``."""

    number: str
    window_id: str
    window_number: int
    window_name: str
    zone_id: str | None
    recall: bool
    at: datetime


class HallState(Answer):
    calls: list[Call]
    board: list[Call] = Field(default_factory=list, description="the calls as a hall screen shows them: "
                              "one per ticket, none of a ticket transferred away since")
    queues: list[QueueSummary]


class Center(Answer):
    """The center as loaded; each section as in the center file (``docs/center-file.md``)."""

    name: str
    timezone: str
    zones: list[dict[str, Any]]
    units: list[dict[str, Any]]
    matters: list[dict[str, Any]]
    queues: list[dict[str, Any]]
    windows: list[dict[str, Any]]
