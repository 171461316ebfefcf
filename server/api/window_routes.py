"""A clerk's actions at a window."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from server.services import views
from server.services.counter import staffing, windows

from . import bp
from .parsing import hub
from .schemas.tickets import Outcome, Ticket
from .schemas.windows import Window, WindowPanel, WindowPosts, WindowState
from .spec import MANAGERS, PUBLIC, STAFF, operation
from .validation import ErrorCode, Integer

UNKNOWN = {404: "unknown_window"}
# What a clerk's action may answer besides its result (403: not this window's clerk).
ACTION_ERRORS = {403: "not_window_clerk, not_posted_here, not_on_duty", 404: "unknown_window, queue_empty",
                 409: "window_busy, window_taken, window_closed, window_paused, no_current_ticket, "
                      "invalid_transition"}


def _action(path: str, summary: str, answer=Ticket, **kw):
    return operation(bp, "POST", f"/windows/<window_id>/{path}", summary, access=STAFF,
                     answers={200: answer}, errors={**ACTION_ERRORS, **kw.pop("errors", {})}, **kw)


@operation(bp, "GET", "/windows", "Every window with its state: where a clerk may sit down",
           access=STAFF, answers={200: list[Window]})
def list_windows():
    with hub().reading() as repos:
        return views.windows_overview(hub(), repos)


@operation(bp, "GET", "/windows/<window_id>/panel", "Public: a window's state and current number",
           access=PUBLIC, answers={200: WindowPanel}, errors=UNKNOWN)
def window_panel(window_id: str):
    """For the panel above the window; no visitor token needed."""
    hub().center.window(window_id)
    with hub().reading() as repos:
        return views.window_panel(hub(), repos, window_id)


@operation(bp, "GET", "/windows/<window_id>", "A window's state, current ticket and waiting line",
           access=STAFF, answers={200: WindowState}, errors=UNKNOWN)
def get_window(window_id: str):
    return windows.get_window_state(hub(), window_id)


@_action("open", "The clerk takes the window", Window)
def open_window(window_id: str, actor):
    return windows.open_window(hub(), window_id, actor)


@_action("close", "The clerk leaves the window", Window)
def close_window(window_id: str, actor):
    return windows.close_window(hub(), window_id, actor)


@_action("call-next", "Call the next ticket by the calling policy")
def call_next(window_id: str, actor):
    return windows.call_next(hub(), window_id, actor)


class CallTicket(BaseModel):
    model_config = ConfigDict(strict=True)

    ticket_id: Integer


@_action("call", "Call one waiting ticket of the window's queues out of turn", body=CallTicket)
def call_ticket(window_id: str, actor, body: CallTicket):
    return windows.call_ticket(hub(), window_id, actor, body.ticket_id)


@_action("recall", "Announce the called ticket again")
def recall(window_id: str, actor):
    return windows.recall(hub(), window_id, actor)


@_action("start", "Start serving the called ticket")
def start(window_id: str, actor):
    return windows.start_service(hub(), window_id, actor)


class Finish(BaseModel):
    model_config = ConfigDict(strict=True)

    outcome: Annotated[Outcome, ErrorCode("invalid_outcome")]


@_action("finish", "Finish with an outcome", body=Finish)
def finish(window_id: str, actor, body: Finish):
    return windows.finish(hub(), window_id, actor, body.outcome)


@_action("no-show", "The called visitor did not come")
def no_show(window_id: str, actor):
    return windows.no_show(hub(), window_id, actor)


class Transfer(BaseModel):
    model_config = ConfigDict(strict=True)

    queue_id: str = Field(max_length=64)


@_action("transfer", "Send the ticket to another queue, keeping its place", body=Transfer,
         errors={422: "unknown_queue"})
def transfer(window_id: str, actor, body: Transfer):
    return windows.transfer(hub(), window_id, actor, body.queue_id)


class Pause(BaseModel):
    model_config = ConfigDict(strict=True)

    reason: str | None = Field(None, max_length=500)


@_action("pause", "Pause the window", Window, body=Pause, body_required=False)
def pause(window_id: str, actor, body: Pause):
    return windows.pause_window(hub(), window_id, actor, body.reason)


@_action("resume", "Resume the window", Window)
def resume(window_id: str, actor):
    return windows.resume_window(hub(), window_id, actor)


@operation(bp, "GET", "/windows/<window_id>/posts",
           "The window's A/B posts (and, for a comprehensive window, its monthly rotation)",
           access=STAFF, answers={200: WindowPosts}, errors=UNKNOWN)
def get_posts(window_id: str):
    return staffing.get_posts(hub(), window_id)


class AssignPosts(BaseModel):
    """``{"A": "username" | null, "B": ...}``: the posts named are set, the others left."""

    model_config = ConfigDict(strict=True, extra="forbid", json_schema_extra={"minProperties": 1})

    A: str | None = Field(None, max_length=64)
    B: str | None = Field(None, max_length=64)


@operation(bp, "PUT", "/windows/<window_id>/posts", "Assign the window's posts", access=MANAGERS,
           body=AssignPosts, answers={200: WindowPosts}, errors={**UNKNOWN, 422: "unknown_user"})
def put_posts(window_id: str, body: AssignPosts):
    return staffing.assign_posts(hub(), window_id, body.model_dump(exclude_unset=True))
