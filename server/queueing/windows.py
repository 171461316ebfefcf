"""A window's working state: closed, open (a clerk at it) or paused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .actors import Actor
from .errors import (
    InvalidTransitionError,
    QueueingError,
    WindowBusyError,
    WindowClosedError,
    WindowPausedError,
    WindowTakenError,
)
from .events import WindowClosed, WindowOpened, WindowPaused, WindowResumed


class WindowStatus(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"


@dataclass
class WindowState:
    window_id: str
    status: WindowStatus = WindowStatus.CLOSED
    clerk_id: int | None = None
    clerk_name: str | None = None
    paused_reason: str | None = None
    since: datetime | None = None
    clerk_post: str | None = None  # "A" or "B" when the clerk holds a post at this window

    def open(self, clerk_id: int, clerk_name: str | None, at: datetime, actor: Actor,
             post: str | None = None) -> WindowOpened | None:
        """The clerk takes the window. Taking it again is harmless; another clerk's window is refused."""
        if self.status is not WindowStatus.CLOSED:
            if self.clerk_id == clerk_id:
                return None
            raise WindowTakenError(
                f"window {self.window_id} is taken by {self.clerk_name or 'another clerk'}",
                window=self.window_id,
            )
        self.status = WindowStatus.OPEN
        self.clerk_id = clerk_id
        self.clerk_name = clerk_name
        self.clerk_post = post
        self.paused_reason = None
        self.since = at
        return WindowOpened(at, actor, None, self.window_id, None,
                            {"clerk_id": clerk_id, "post": post} if post else {"clerk_id": clerk_id})

    def close(self, has_open_ticket: bool, at: datetime, actor: Actor) -> WindowClosed | None:
        if self.status is WindowStatus.CLOSED:
            return None
        self._require("close", has_open_ticket)
        clerk_id = self.clerk_id
        self.status = WindowStatus.CLOSED
        self.clerk_id = None
        self.clerk_name = None
        self.clerk_post = None
        self.paused_reason = None
        self.since = at
        return WindowClosed(at, actor, None, self.window_id, None, {"clerk_id": clerk_id})

    def pause(self, reason: str | None, at: datetime, actor: Actor) -> WindowPaused:
        self._require("pause")
        self.status = WindowStatus.PAUSED
        self.paused_reason = reason
        self.since = at
        return WindowPaused(at, actor, None, self.window_id, None, {"reason": reason})

    def resume(self, at: datetime, actor: Actor) -> WindowResumed:
        self._require("resume")
        self.status = WindowStatus.OPEN
        self.paused_reason = None
        self.since = at
        return WindowResumed(at, actor, None, self.window_id, None, {})

    def ensure_can_call(self, has_open_ticket: bool) -> None:
        """Raise unless this window may call a new ticket now."""
        self._require("call", has_open_ticket)

    # --- the rules, once: what refuses each action -------------------------------
    def refusal(self, action: str, has_open_ticket: bool = False) -> QueueingError | None:
        """The error that refuses ``action`` (``call``, ``pause``, ``resume``, ``close``) now,
        or None when the window allows it. The transitions raise it; ``allowed_actions`` asks it."""
        where = {"window": self.window_id}
        closed = WindowClosedError(f"window {self.window_id} is closed", **where)
        if action == "call":
            if self.status is WindowStatus.CLOSED:
                return closed
            if self.status is WindowStatus.PAUSED:
                return WindowPausedError(f"window {self.window_id} is paused", **where)
            if has_open_ticket:
                return WindowBusyError(
                    f"window {self.window_id} has a ticket that is not finished", **where)
            return None
        if action == "pause":
            if self.status is WindowStatus.CLOSED:
                return closed
            if self.status is WindowStatus.PAUSED:
                return InvalidTransitionError(f"window {self.window_id} is already paused")
            return None
        if action == "resume":
            if self.status is not WindowStatus.PAUSED:
                return InvalidTransitionError(f"window {self.window_id} is not paused")
            return None
        if action == "close":
            if self.status is WindowStatus.CLOSED:
                return closed
            if has_open_ticket:
                return WindowBusyError(
                    f"window {self.window_id} still has a called or serving ticket; finish it first",
                    **where)
            return None
        raise ValueError(f"unknown window action {action!r}")

    def may(self, action: str, has_open_ticket: bool = False) -> bool:
        return self.refusal(action, has_open_ticket) is None

    def _require(self, action: str, has_open_ticket: bool = False) -> None:
        error = self.refusal(action, has_open_ticket)
        if error is not None:
            raise error


def window_range(numbers: list[int] | tuple[int, ...]) -> str:
    """Window numbers as people read them: ``[16, 17, 18, 21]`` → ``16-18、21``.

    The one form for paper (``16-18、21号窗口``) and screens (``{windows} 号窗口``).
    """
    runs: list[list[int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return "、".join(f"{run[0]}-{run[-1]}" if len(run) > 2 else "、".join(map(str, run))
                    for run in runs)
