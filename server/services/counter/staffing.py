"""Who may take a window: A/B posts and the monthly rotation of comprehensive windows.

* A window whose posts are assigned (``PUT /windows/<id>/posts``) may be taken only by
  its post-A or post-B clerk (or an admin); the window then shows which post is at it,
  so a B clerk standing in is visible. A window with no posts may be taken by any clerk.
* At a comprehensive window, a clerk from one of its units may take it only in the
  months of that unit's rotation (``server.queueing.rotation``); clerks of other units
  (or with no home unit) are not held to the rotation.
"""

from __future__ import annotations

from datetime import datetime

from server.queueing.actors import Actor
from server.queueing.rotation import POSTS, unit_on_duty

from ..errors import BadRequestError, ForbiddenError, UnprocessableError
from ..hub import Hub


class NotPostedHereError(ForbiddenError):
    code = "not_posted_here"


class NotOnDutyError(ForbiddenError):
    code = "not_on_duty"


def window_units(hub: Hub, window_id: str) -> tuple[str, ...]:
    """The units whose matters a window serves, in its queues' order (its rotation)."""
    units: list[str] = []
    for queue in hub.center.queues_of_window(window_id):
        units.extend(u for u in queue.unit_ids if u not in units)
    return tuple(units)


def duty_unit(hub: Hub, window_id: str, at: datetime | None = None) -> str | None:
    """For a comprehensive window, the unit whose clerk staffs it this month."""
    if hub.center.window(window_id).kind != "comprehensive":
        return None
    month = (at or hub.now()).astimezone(hub.tz).month
    return unit_on_duty(window_units(hub, window_id), month)


def post_for(hub: Hub, uow, window_id: str, actor: Actor) -> str | None:
    """The post ``actor`` takes the window in; raises when the rules keep them out."""
    window = hub.center.window(window_id)
    user = uow.users.by_id(int(actor.id))
    posts = uow.posts.of_window(window_id)
    post = next((p for p, holder in sorted(posts.items()) if user and holder.id == user.id), None)
    if posts and post is None and actor.role != "admin":
        holders = "、".join(f"{p}岗 {posts[p].name or posts[p].username}" for p in sorted(posts))
        raise NotPostedHereError(f"window {window.number} is staffed by {holders}")
    if user is not None and user.unit_id and window.kind == "comprehensive":
        units = window_units(hub, window_id)
        on_duty = duty_unit(hub, window_id)
        if user.unit_id in units and user.unit_id != on_duty:
            unit = hub.center.units.get(on_duty)
            raise NotOnDutyError(
                f"this month window {window.number} is staffed by {unit.name if unit else on_duty}",
                on_duty=on_duty)
    return post


def _holder_json(user) -> dict:
    return {"id": user.id, "username": user.username, "name": user.name, "unit_id": user.unit_id}


def posts_view(hub: Hub, repos, window_id: str) -> dict:
    window = hub.center.window(window_id)
    posts = repos.posts.of_window(window_id)
    view = {"window_id": window.id, "posts": {p: _holder_json(posts[p]) if p in posts else None
                                               for p in POSTS}}
    if window.kind == "comprehensive":
        units = window_units(hub, window_id)
        view["rotation"] = [{"month": m, "unit_id": unit_on_duty(units, m)} for m in range(1, 13)]
        view["duty_unit"] = duty_unit(hub, window_id)
    return view


def get_posts(hub: Hub, window_id: str) -> dict:
    hub.center.window(window_id)
    with hub.reading() as repos:
        return posts_view(hub, repos, window_id)


def assign_posts(hub: Hub, window_id: str, assignment: dict) -> dict:
    """``{"A": "username" | null, "B": ...}``: set the posts named, leave the others."""
    hub.center.window(window_id)
    unknown = set(assignment) - set(POSTS)
    if unknown or not assignment:
        raise BadRequestError("give posts A and/or B: {\"A\": \"username\", \"B\": null}",
                              code="invalid_field", field="posts")
    now = hub.now()
    with hub.uow() as uow:
        for post, username in assignment.items():
            if username is None:
                uow.posts.assign(window_id, post, None, now)
                continue
            if not isinstance(username, str):
                raise BadRequestError(f"post {post}: a username or null", code="invalid_field",
                                      field=post)
            user = uow.users.by_username(username)
            if user is None:
                raise UnprocessableError(f"unknown user {username!r}", code="unknown_user")
            uow.posts.assign(window_id, post, user.id, now)
        uow.commit()
        return posts_view(hub, uow, window_id)
