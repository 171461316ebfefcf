"""差评整改 use cases: list and show rectifications, and move them (verify, review, rectify,
call back). The moves themselves are the core's (server/queueing/rectification.py); this
module checks roles, keeps the rating's ``overturned`` flag and the dates in step, and
writes every move with its actor and time in one transaction.
"""

from __future__ import annotations

from server.db.repositories.ratings import ConcurrentRectificationError
from server.queueing.actors import Actor
from server.queueing.errors import InvalidTransitionError, NotFoundError
from server.queueing.rectification import RectificationStatus
from server.realtime.names import RECTIFICATION_CHANGED

from ..accounts.users import require_role
from ..errors import BadRequestError
from ..hub import Hub
from ..views import local_iso

READERS = ("manager", "supervisor", "admin")
# Who may make each move: verifying, rectifying and calling back are the hall manager's;
# deciding an appeal is the efficiency-supervision window's (效能监察).
MOVERS = {"verify": ("manager", "admin"), "rectify": ("manager", "admin"),
          "callback": ("manager", "admin"), "review": ("supervisor", "admin")}
STATUSES = tuple(status.value for status in RectificationStatus)
LIST_LIMIT = 500


class RectificationNotFoundError(NotFoundError):
    code = "rectification_not_found"
    default_message = "no such rectification"


def _clerks(repos, ids) -> dict[int, dict]:
    found = {}
    for clerk_id in {i for i in ids if i is not None}:
        user = repos.users.by_id(clerk_id)
        if user is not None:
            found[clerk_id] = {"id": user.id, "username": user.username, "name": user.name}
    return found


def _views(hub: Hub, repos, items, viewer: Actor | None) -> list[dict]:
    """The answers' shape; ``allowed_actions`` are the moves the item allows now that
    ``viewer`` may make (all of them when no viewer is named)."""
    now = hub.now()
    ratings = repos.ratings.by_ids(item.rating_id for item, _meta in items)
    clerks = _clerks(repos, (meta["clerk_id"] for _item, meta in items))
    out = []
    for item, meta in items:
        rating, token = ratings[item.rating_id]
        out.append({
            "id": item.id,
            "status": item.status.value,
            "opened_at": local_iso(hub, item.opened_at),
            "due_at": local_iso(hub, item.due_at),
            "overdue": item.overdue(now),
            "ticket": {"token": token, "number": rating.number, "matter_id": rating.matter_id,
                       "unit_id": rating.unit_id, "window_id": rating.window_id},
            "rating": {"level": rating.level, "reasons": list(rating.reasons),
                       "comment": rating.comment},
            "clerk": clerks.get(meta["clerk_id"]),
            "history": [{"at": local_iso(hub, step.at), "action": step.action,
                         "actor": str(step.actor), "actor_name": step.actor.name,
                         "note": step.note, "detail": step.detail} for step in item.history],
            # additions
            "allowed_actions": [action for action in item.allowed_actions()
                                if viewer is None or viewer.role in MOVERS.get(action, ())],
            "matter_name": _name(hub.center.matters, rating.matter_id),
            "unit_name": _name(hub.center.units, rating.unit_id),
            "window_number": (hub.center.windows[rating.window_id].number
                              if rating.window_id in hub.center.windows else None),
            "rated_at": local_iso(hub, rating.at),
            "channel": rating.channel,
            "callback": ({"reached": meta["callback_reached"], "level": meta["callback_level"]}
                         if meta["callback_reached"] is not None else None),
        })
    return out


def _name(objects, key):
    found = objects.get(key)
    return found.name if found else None


def list_rectifications(hub: Hub, *, status: str | None = None, overdue: bool = False,
                        unit_id: str | None = None, viewer: Actor | None = None) -> list[dict]:
    if status is not None and status not in STATUSES:
        raise BadRequestError(f"status must be one of {', '.join(STATUSES)}", code="invalid_field",
                              field="status")
    with hub.reading() as repos:
        items = repos.rectifications.listing(status=status, unit_id=unit_id, limit=LIST_LIMIT,
                                             overdue_at=hub.now() if overdue else None)
        return _views(hub, repos, items, viewer)


def get_rectification(hub: Hub, rectification_id: int, viewer: Actor | None = None) -> dict:
    with hub.reading() as repos:
        found = repos.rectifications.get(rectification_id)
        if found is None:
            raise RectificationNotFoundError(f"no rectification {rectification_id}")
        return _views(hub, repos, [found], viewer)[0]


def overdue_count(hub: Hub, repos) -> int:
    """Rectifications past their due date and not closed (the dashboard's flag)."""
    return repos.rectifications.count_overdue(hub.now())


def move(hub: Hub, rectification_id: int, action: str, actor: Actor, body: dict) -> dict:
    """Make one move; 403 for the wrong role, 409 ``invalid_transition``, 400 ``missing_field``."""
    require_role(actor, *MOVERS[action])
    now = hub.now()
    with hub.uow() as uow:
        found = uow.rectifications.get(rectification_id, lock=True)
        if found is None:
            raise RectificationNotFoundError(f"no rectification {rectification_id}")
        item, _meta = found
        before = item.status
        note = body.get("note")
        meta: dict = {}
        if action == "verify":
            step = item.verify(body.get("finding"), note, actor, now)
        elif action == "review":
            step = item.review(body.get("decision"), note, actor, now)
            if item.status is RectificationStatus.OVERTURNED:
                uow.ratings.set_overturned(item.rating_id)
                meta["closed_at"] = now
        elif action == "rectify":
            step = item.rectify(note, actor, now)
            meta["rectified_at"] = now
        else:
            step = item.callback(body.get("reached"), note, actor, now, level=body.get("level"))
            meta.update(closed_at=now, callback_reached=step.detail["reached"],
                        callback_level=step.detail.get("level"))
        try:
            uow.rectifications.save(item, before, [step], **meta)
        except ConcurrentRectificationError:
            raise InvalidTransitionError("the rectification was just changed by someone else") from None
        uow.commit()
    announce(hub, rectification_id, item.status.value)
    return get_rectification(hub, rectification_id, actor)


def announce(hub: Hub, rectification_id: int, status: str) -> None:
    """Tell every manager's page (all hubs) that a rectification was opened or moved."""
    hub.publisher.to_managers(RECTIFICATION_CHANGED, {"id": rectification_id, "status": status})
