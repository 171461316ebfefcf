"""Which changes a center file may make to the center a hall already runs.

Tickets already issued refer to queues, windows and matters by id, and their numbers
carry the queue prefixes: a running hall may gain things and rename them, but nothing
that strands a ticket or rewrites history may change.
"""

from __future__ import annotations

from .center import Center
from .errors import CenterUpdateRefusedError

_DESCRIPTIVE = {
    "zone": ("name", "name_en", "name_bo", "floor"),
    "unit": ("name", "name_en", "name_bo", "group", "short_name", "short_name_en", "icon"),
    "matter": ("name", "name_en", "guide", "service_minutes"),
    "queue": ("name", "name_en", "per_slot"),
    "window": ("name", "name_en"),
}
_STRUCTURAL = {
    "zone": (),
    "unit": (),
    "matter": ("unit_id", "category", "queue_id"),
    "queue": ("prefix",),
    "window": ("number", "kind", "zone_id", "queue_ids"),
}
_COLLECTIONS = {
    "zone": "zones",
    "unit": "units",
    "matter": "matters",
    "queue": "queues",
    "window": "windows",
}


def check_update(old: Center, new: Center) -> list[str]:
    """The changes a new definition makes to a stored center, if it may be applied.

    A stored center may only gain zones, units, matters, queues and windows, gain
    priority reasons, units or matters listed by a queue, and change descriptive fields
    (names, guides, service times, floors, unit groups). Anything else would strand
    tickets or rewrite history and raises ``CenterUpdateRefusedError`` (one line).
    """
    changes: list[str] = []
    refusals: list[str] = []
    if new.timezone != old.timezone:
        refusals.append(f"changes the time zone from {old.timezone!r} to {new.timezone!r}")
    if (new.name, new.name_en) != (old.name, old.name_en):
        changes.append(f"renames the center to {new.name!r}")
    dropped = [reason for reason in old.priority_reasons if reason not in new.priority_reasons]
    if dropped:
        refusals.append(f"removes priority reason {dropped[0]!r}")
    added = [reason for reason in new.priority_reasons if reason not in old.priority_reasons]
    changes.extend(f"adds priority reason {reason!r}" for reason in added)
    if new.hours != old.hours:
        changes.append(f"sets the opening hours to {', '.join(new.hours.to_texts()) or 'always open'}")
    if new.rules != old.rules:
        changes.append("changes the rules")
    if new.calendar != old.calendar:
        changes.append("changes the working calendar's holidays and workdays")

    for kind, attribute in _COLLECTIONS.items():
        old_items, new_items = getattr(old, attribute), getattr(new, attribute)
        for object_id, before in old_items.items():
            after = new_items.get(object_id)
            if after is None:
                refusals.append(f"removes {kind} {object_id!r}")
                continue
            for name in _STRUCTURAL[kind]:
                if getattr(before, name) != getattr(after, name):
                    refusals.append(
                        f"changes {name} of {kind} {object_id!r} from "
                        f"{_shown(getattr(before, name))} to {_shown(getattr(after, name))}"
                    )
            for name in _DESCRIPTIVE[kind]:
                if getattr(before, name) != getattr(after, name):
                    changes.append(_describe_change(kind, object_id, name))
        changes.extend(
            f"adds {kind} {object_id!r}" for object_id in new_items if object_id not in old_items
        )

    for queue_id, before in old.queues.items():
        after = new.queues.get(queue_id)
        if after is None:
            continue
        for name, label in (("unit_ids", "unit"), ("matter_ids", "matter")):
            lost = [item for item in getattr(before, name) if item not in getattr(after, name)]
            if lost:
                refusals.append(f"takes {label} {lost[0]!r} out of queue {queue_id!r}")
            gained = [item for item in getattr(after, name) if item not in getattr(before, name)]
            changes.extend(f"adds {label} {item!r} to queue {queue_id!r}" for item in gained)

    if refusals:
        more = f" (and {len(refusals) - 1} more)" if len(refusals) > 1 else ""
        raise CenterUpdateRefusedError(
            f"center update refused: the new definition {refusals[0]}{more}; "
            "a stored center may only gain things or change names and descriptions",
            refusals=refusals,
        )
    return changes


def _describe_change(kind: str, object_id: str, field_name: str) -> str:
    if field_name in ("name", "name_en", "name_bo"):
        return f"renames {kind} {object_id!r} ({field_name})"
    return f"changes {field_name.replace('_', ' ')} of {kind} {object_id!r}"


def _shown(value: object) -> str:
    return repr(list(value)) if isinstance(value, tuple) else repr(value)
