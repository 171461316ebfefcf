"""Windows, their state, their panel and their posts."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from server.queueing.windows import WindowStatus

from . import Answer
from .tickets import Ticket, TicketStatus


class WindowClerk(Answer):
    id: int
    name: str | None
    post: Literal["A", "B"] | None


class Window(Answer):
    id: str
    number: int
    name: str
    name_en: str | None
    zone_id: str | None
    kind: Literal["whole_unit", "standalone", "comprehensive"]
    queue_ids: list[str]
    status: Literal[tuple(s.value for s in WindowStatus)]  # type: ignore[valid-type]
    clerk: WindowClerk | None
    paused_reason: str | None
    since: datetime | None
    duty_unit: str | None


class WindowState(Answer):
    """``window_state``: the window, its current ticket and its waiting line."""

    window: Window
    current: Ticket | None
    waiting: list[Ticket]


class PanelTicket(Answer):
    number: str
    status: TicketStatus
    called_at: datetime | None


class WindowPanel(Answer):
    window: Window
    current: PanelTicket | None


class PostHolder(Answer):
    id: int
    username: str
    name: str | None
    unit_id: str | None


class Posts(Answer):
    A: PostHolder | None
    B: PostHolder | None


class RotationMonth(Answer):
    month: int
    unit_id: str | None


class WindowPosts(Answer):
    window_id: str
    posts: Posts
    rotation: list[RotationMonth] | None = None
