"""好差评 figures: the ratings list, the summary by unit, window, clerk or matter, and the
export for the provincial 好差评 system (fields in docs/ratings.md).

Ranges are service days in the center's zone, both ends included. Overturned ratings (an
appeal the supervisor upheld for the unit) count in no figure; they stay in the list and
the export, flagged.
"""

from __future__ import annotations

from datetime import date

from server.queueing.ratings import BAD, BAD_REASONS, LEVEL_NAMES, SATISFIED

from ..errors import BadRequestError
from ..hub import Hub
from ..views import local_iso

DIMENSIONS = {"unit": "unit_id", "window": "window_id", "clerk": "clerk_id", "matter": "matter_id"}
LIST_LIMIT = 2000
EXPORT_FIELDS = (
    "ticket_id", "number", "service_day", "rated_at", "level", "level_name", "channel",
    "reasons", "reason_texts", "comment", "matter_id", "matter_name", "unit_id", "unit_name",
    "window_id", "window_number", "clerk_staff_number", "clerk_name", "overturned",
    "rectification_id", "rectification_status",
)


def parse_dimension(value: str | None) -> str:
    value = value or "unit"
    if value not in DIMENSIONS:
        raise BadRequestError(f"by must be one of {', '.join(DIMENSIONS)}", code="invalid_field",
                              field="by")
    return value


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


class _Names:
    """Display names of units, windows, matters and clerks (users looked up once)."""

    def __init__(self, hub: Hub, repos) -> None:
        self.hub, self.repos, self._users = hub, repos, {}

    def user(self, user_id):
        if user_id not in self._users:
            self._users[user_id] = self.repos.users.by_id(user_id) if user_id is not None else None
        return self._users[user_id]

    def clerk(self, user_id) -> dict | None:
        user = self.user(user_id)
        return {"id": user.id, "username": user.username, "name": user.name} if user else None

    def of(self, by: str, key) -> str | None:
        center = self.hub.center
        if by == "clerk":
            user = self.user(key)
            return (user.name or user.username) if user else None
        found = {"unit": center.units, "window": center.windows, "matter": center.matters}[by].get(key)
        return found.name if found else None


def list_ratings(hub: Hub, first: date | None, last: date | None, *, unit_id=None,
                 window_id=None, level=None) -> list[dict]:
    with hub.reading() as repos:
        names = _Names(hub, repos)
        rows = repos.ratings.listing(first, last, unit_id=unit_id, window_id=window_id,
                                     level=level, limit=LIST_LIMIT)
        return [{"ticket_id": r.ticket_id, "number": r.number, "matter_id": r.matter_id,
                 "unit_id": r.unit_id, "window_id": r.window_id, "clerk": names.clerk(r.clerk_id),
                 "level": r.level, "reasons": list(r.reasons), "comment": r.comment,
                 "channel": r.channel, "at": local_iso(hub, r.at),
                 "service_day": r.service_day.isoformat(), "overturned": r.overturned,
                 "token": token}
                for r, token in rows]


def _row(key, name, done: int, levels: dict[int, int]) -> dict:
    rated = sum(levels.values())
    return {
        "key": key, "name": name, "done": done, "rated": rated,
        "levels": {str(level): levels.get(level, 0) for level in sorted(LEVEL_NAMES)},
        "satisfied_share": _share(sum(levels.get(lv, 0) for lv in SATISFIED), rated),
        "bad": sum(levels.get(lv, 0) for lv in BAD),
        "rated_share": _share(rated, done),
    }


def summary(hub: Hub, first: date | None, last: date | None, by: str = "unit") -> dict:
    """``{total: ROW, rows: [ROW]}``; by unit, each row also has its rectification figures."""
    column = DIMENSIONS[by]
    with hub.reading() as repos:
        names = _Names(hub, repos)
        done = repos.ratings.done_counts(column, first, last)
        counts: dict = {}
        for key, level, count in repos.ratings.level_counts(column, first, last):
            counts.setdefault(key, {})[level] = count
        keys = sorted(set(done) | set(counts), key=lambda k: (k is None, str(k)))
        rows = [_row(key, names.of(by, key), done.get(key, 0), counts.get(key, {})) for key in keys]
        if by == "unit":
            rectified = _rectification_figures(hub, repos.rectifications.for_units(first, last))
            for row in rows:
                row.update(rectified.get(row["key"], _rectification_figures(hub, [])[None]))
    total_levels: dict[int, int] = {}
    for per_key in counts.values():
        for level, count in per_key.items():
            total_levels[level] = total_levels.get(level, 0) + count
    total = _row(None, None, sum(done.values()), total_levels)
    return {"by": by, "from": first.isoformat() if first else None,
            "to": last.isoformat() if last else None, "total": total, "rows": rows}


def _rectification_figures(hub: Hub, rows: list[dict]) -> dict:
    """Per unit: rectifications, callback_rate (closed with the visitor reached, over those
    not overturned) and on_time_rate (rectified by due_at, over those rectified or due)."""
    now = hub.now()
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(row["unit_id"], []).append(row)
    if not rows:
        grouped[None] = []
    figures = {}
    for unit_id, items in grouped.items():
        live = [r for r in items if r["status"] != "overturned"]
        reached = sum(1 for r in live if r["callback_reached"])
        judged = [r for r in live if r["rectified_at"] is not None or r["due_at"] < now]
        on_time = sum(1 for r in judged if r["rectified_at"] is not None
                      and r["rectified_at"] <= r["due_at"])
        figures[unit_id] = {
            "rectifications": len(items),
            "overturned": len(items) - len(live),
            "overdue": sum(1 for r in live if r["status"] != "closed" and r["due_at"] < now),
            "callback_rate": _share(reached, len(live)),
            "on_time_rate": _share(on_time, len(judged)),
        }
    return figures


def export_rows(hub: Hub, first: date | None, last: date | None) -> list[dict]:
    """One row per rating, with the fields of EXPORT_FIELDS, oldest first."""
    with hub.reading() as repos:
        names = _Names(hub, repos)
        rows = list(reversed(repos.ratings.listing(first, last)))
        opened = {r["ticket_id"]: r for r in repos.rectifications.for_units(first, last)}
        return [export_row(hub, names, rating, opened.get(rating.ticket_id)) for rating, _token in rows]


def export_row_of(hub: Hub, repos, rating, rectification: dict | None) -> dict:
    """One rating's row of the provincial feed, read in ``repos`` (a ``rating.created``
    webhook, written in the rating's own transaction)."""
    return export_row(hub, _Names(hub, repos), rating, rectification)


def export_row(hub: Hub, names: _Names, rating, rect: dict | None) -> dict:
    """The fields of EXPORT_FIELDS for one rating; ``rect``: its rectification's id and status."""
    window = hub.center.windows.get(rating.window_id) if rating.window_id else None
    clerk = names.user(rating.clerk_id)
    return {
        "ticket_id": rating.ticket_id, "number": rating.number,
        "service_day": rating.service_day.isoformat(), "rated_at": local_iso(hub, rating.at),
        "level": rating.level, "level_name": LEVEL_NAMES[rating.level][0],
        "channel": rating.channel, "reasons": ";".join(rating.reasons),
        "reason_texts": ";".join(BAD_REASONS[r][0] for r in rating.reasons if r in BAD_REASONS),
        "comment": rating.comment or "", "matter_id": rating.matter_id,
        "matter_name": names.of("matter", rating.matter_id),
        "unit_id": rating.unit_id, "unit_name": names.of("unit", rating.unit_id),
        "window_id": rating.window_id, "window_number": window.number if window else None,
        "clerk_staff_number": clerk.username if clerk else None,
        "clerk_name": (clerk.name or clerk.username) if clerk else None,
        "overturned": rating.overturned,
        "rectification_id": rect["id"] if rect else None,
        "rectification_status": rect["status"] if rect else None,
    }
