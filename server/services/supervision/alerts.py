"""Supervision alerts: the list, closing one with a note, and how each reads.

The words of an alert (``message``) are the hub's: pages show them as sent.
"""

from __future__ import annotations

from server.page_labels import SUPERVISION_KIND_NAMES
from server.queueing.actors import Actor
from server.queueing.errors import InvalidTransitionError, MissingFieldError, NotFoundError
from server.queueing.supervision import KINDS
from server.realtime.names import SUPERVISION_ALERT

from ..accounts.users import require_role
from ..errors import BadRequestError
from ..hub import Hub
from ..views import local_iso

STATUSES = ("open", "closed")
CLOSERS = ("supervisor", "admin")
LIST_LIMIT = 500
MAX_NOTE = 2000
KIND_NAMES = SUPERVISION_KIND_NAMES  # the one spelling, shared with the pages' labels


class AlertNotFoundError(NotFoundError):
    code = "alert_not_found"
    default_message = "no such supervision alert"


def _message(hub: Hub, row: dict, window: str | None, unit: str | None) -> str:
    detail = row["detail"] or {}
    kind, number = row["kind"], row["ticket_number"]
    if kind == "window_unattended":
        state = {"paused": "暂停", "closed": "关闭"}.get(detail.get("status"), "关闭")
        return f"{window}{state}已超过 {detail.get('minutes')} 分钟，其队列有群众等候"
    if kind == "quick_no_show":
        return f"{number} 叫号后 {detail.get('seconds')} 秒即标记过号（{window or ''}）"
    if kind == "long_wait":
        return f"{number} 等候已超过 {detail.get('minutes')} 分钟"
    if kind == "transfer_loop":
        return f"{number} 第 {detail.get('transfers')} 次转办" + ("，转回原队列" if detail.get("back_to") else "")
    if kind == "rectification_overdue":
        return f"差评整改 #{row['rectification_id']} 已过整改期限（{unit or ''}）"
    return f"办件 {row['case_no']} 已超过办结期限（{unit or ''}）"


def alert_view(hub: Hub, repos, row: dict) -> dict:
    center = hub.center
    window = center.windows.get(row["window_id"]) if row["window_id"] else None
    unit = center.units.get(row["unit_id"]) if row["unit_id"] else None
    user = repos.users.by_id(row["user_id"]) if row["user_id"] is not None else None
    return {
        "id": row["id"], "kind": row["kind"], "status": row["status"],
        "opened_at": local_iso(hub, row["opened_at"]), "window_id": row["window_id"],
        "unit_id": row["unit_id"],
        "user": {"id": user.id, "username": user.username, "name": user.name} if user else None,
        "ticket_number": row["ticket_number"], "case_no": row["case_no"],
        "rectification_id": row["rectification_id"], "detail": row["detail"] or {},
        # additions
        "kind_name": KIND_NAMES.get(row["kind"], row["kind"]),
        "message": _message(hub, row, window.name if window else None, unit.name if unit else None),
        "window_number": window.number if window else None, "unit_name": unit.name if unit else None,
        "closed_at": local_iso(hub, row["closed_at"]), "closed_by": row["closed_by"], "note": row["note"],
    }


def list_alerts(hub: Hub, *, status: str | None = None, kind: str | None = None) -> list[dict]:
    if status is not None and status not in STATUSES:
        raise BadRequestError("status must be open or closed", code="invalid_field", field="status")
    if kind is not None and kind not in KINDS:
        raise BadRequestError(f"kind must be one of {', '.join(KINDS)}", code="invalid_field", field="kind")
    with hub.reading() as repos:
        rows = repos.supervision.listing(status=status, kind=kind, limit=LIST_LIMIT)
        return [alert_view(hub, repos, row) for row in rows]


def close_alert(hub: Hub, alert_id: int, actor: Actor, note: str | None) -> dict:
    """A supervisor (or admin) closes an open alert with a note; 409 when it is closed."""
    require_role(actor, *CLOSERS)
    with hub.uow() as uow:
        row = uow.supervision.get(alert_id)
        if row is None:
            raise AlertNotFoundError(f"no supervision alert {alert_id}")
        if row["status"] != "open":
            raise InvalidTransitionError(f"alert {alert_id} is closed already")
        if not (note or "").strip():
            raise MissingFieldError("closing an alert needs a note", field="note")
        if not uow.supervision.close(alert_id, hub.now(), str(actor), note.strip()[:MAX_NOTE]):
            raise InvalidTransitionError(f"alert {alert_id} was just closed by someone else")
        uow.commit()
    with hub.reading() as repos:
        view = alert_view(hub, repos, repos.supervision.get(alert_id))
    hub.publisher.to_managers(SUPERVISION_ALERT, view)
    return view
