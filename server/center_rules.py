"""Validating the center file's ``rules`` and ``calendar`` sections (docs/center-file.md).

Both are optional; a missing field takes the contract's default (server/queueing/rules.py).
Errors name the field at fault, like every other center-file error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import date
from typing import Any

from server.queueing.rules import AppointmentRules, Rules, SupervisionRules
from server.queueing.working_days import CalendarOverrides

_RULE_FIELDS = ("rectify_working_days", "default_case_working_days", "pickup_queue",
                "rating_days", "rating_pad_seconds", "supervision", "appointments")
_CALENDAR_FIELDS = ("holidays", "workdays")
# The smallest value of each integer rule: day counts and limits need at least 1.
_MINIMUM = {"quick_no_show_seconds": 0, "unattended_wait_minutes": 0, "cancel_before_minutes": 0,
            "check_in_early_minutes": 0, "late_minutes": 0}


def parse_rules(reader, value: object, queues: Mapping) -> Rules:
    """The ``rules`` section; ``reader`` is center_validation's field reader."""
    if value is None:
        return Rules()
    path = ("rules",)
    item = reader.mapping(value, path, _RULE_FIELDS)
    simple: dict[str, Any] = {}
    for name in ("rectify_working_days", "default_case_working_days", "rating_days",
                 "rating_pad_seconds"):
        number = reader.integer(item, name, path, minimum=1)
        if number is not None:
            simple[name] = number
    if item.get("pickup_queue") is not None:
        simple["pickup_queue"] = reader.reference(item["pickup_queue"], (*path, "pickup_queue"),
                                                  queues, "queue")
    return Rules(
        **simple,
        supervision=_group(reader, item.get("supervision"), (*path, "supervision"), SupervisionRules),
        appointments=_group(reader, item.get("appointments"), (*path, "appointments"),
                            AppointmentRules),
    )


def _group(reader, value: object, path, kind):
    """A nested rules group (supervision, appointments): integers, and booleans by default."""
    if value is None:
        return kind()
    names = tuple(f.name for f in fields(kind))
    item = reader.mapping(value, path, names)
    values: dict[str, Any] = {}
    defaults = kind()
    for name in names:
        if item.get(name) is None:
            continue
        if isinstance(getattr(defaults, name), bool):
            if not isinstance(item[name], bool):
                raise reader.fail((*path, name), f"must be true or false, got {item[name]!r}")
            values[name] = item[name]
        else:
            values[name] = reader.integer(item, name, path, minimum=_MINIMUM.get(name, 1))
    return kind(**values)


def parse_calendar(reader, value: object) -> CalendarOverrides:
    """The ``calendar`` section: ``{holidays: [YYYY-MM-DD...], workdays: [...]}``."""
    if value is None:
        return CalendarOverrides()
    path = ("calendar",)
    item = reader.mapping(value, path, _CALENDAR_FIELDS)
    days: dict[str, tuple[date, ...]] = {}
    for name in _CALENDAR_FIELDS:
        entries = reader.sequence(item.get(name) or [], (*path, name))
        parsed: list[date] = []
        for index, entry in enumerate(entries):
            day = _day(reader, entry, (*path, name, index))
            if day in parsed:
                raise reader.fail((*path, name, index), f"{day.isoformat()} is listed twice")
            parsed.append(day)
        days[name] = tuple(parsed)
    for index, day in enumerate(days["workdays"]):
        if day in days["holidays"]:
            raise reader.fail((*path, "workdays", index),
                              f"{day.isoformat()} is also listed under holidays")
    return CalendarOverrides(holidays=days["holidays"], workdays=days["workdays"])


def _day(reader, value: object, path) -> date:
    if isinstance(value, date):  # YAML reads an unquoted 2026-10-08 as a date
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise reader.fail(path, f"must be a date YYYY-MM-DD, got {value!r}")


def rules_document(rules: Rules) -> dict[str, Any]:
    """The ``rules`` section as written back to a document: only what differs from the
    defaults, so that a stored center shows what its file set."""
    default = Rules().to_dict()
    document: dict[str, Any] = {}
    for key, value in rules.to_dict().items():
        if isinstance(value, dict):
            changed = {k: v for k, v in value.items() if v != default[key][k]}
            if changed:
                document[key] = changed
        elif value != default[key]:
            document[key] = value
    return document
