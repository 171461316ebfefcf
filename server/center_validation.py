"""Validating a center definition (parsed YAML or JSON) and building its ``Center``.

The rules are those of docs/center-file.md. Every broken rule raises
``CenterDefinitionError`` with one line naming the source, the field path and the
problem, e.g. ``hall.yaml: windows[3].queues[0]: unknown queue 'polic'``.

Over 300 lines on purpose: the field reader and one parser per section of the file
read as one checklist in the order of docs/center-file.md; apart, each rule's message
would be far from the reader that words it.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from server.center_rules import parse_calendar, parse_rules
from server.queueing.center import (
    DEFAULT_PRIORITY_REASONS,
    DEFAULT_UNIT_ICON,
    MATTER_CATEGORIES,
    UNIT_GROUPS,
    UNIT_ICONS,
    WINDOW_KINDS,
    Center,
    Guide,
    Matter,
    Queue,
    Unit,
    Window,
    Zone,
)
from server.queueing.errors import CenterDefinitionError
from server.queueing.hours import ServiceHours

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
PREFIX_PATTERN = re.compile(r"^[A-Z]{1,3}$")
SECTIONS = ("center", "zones", "units", "matters", "queues", "windows", "rules", "calendar")

PathParts = tuple[str | int, ...]


def format_path(path: PathParts) -> str:
    """``("windows", 3, "queues", 0)`` → ``windows[3].queues[0]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


class _Reader:
    """Reads typed fields out of one parsed document, failing with the field's path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: PathParts, problem: str) -> CenterDefinitionError:
        where = format_path(path) or "(document)"
        return CenterDefinitionError(
            f"{self.source}: {where}: {problem}", source=self.source, path=path, problem=problem
        )

    def mapping(self, value: object, path: PathParts, allowed: tuple[str, ...]) -> Mapping:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"must be a mapping, got {_describe(value)}")
        for key in value:
            if key not in allowed:
                raise self.fail(
                    (*path, str(key)), f"unknown field (expected one of: {', '.join(allowed)})"
                )
        return value

    def sequence(self, value: object, path: PathParts, *, non_empty: bool = False) -> list:
        if not isinstance(value, list):
            raise self.fail(path, f"must be a list, got {_describe(value)}")
        if non_empty and not value:
            raise self.fail(path, "must not be empty")
        return value

    def text(
        self,
        item: Mapping,
        key: str,
        path: PathParts,
        *,
        required: bool = False,
        multiline: bool = False,
    ) -> Any:
        value = item.get(key)
        if value is None:
            if required:
                raise self.fail((*path, key), "required")
            return None
        return self.text_value(value, (*path, key), multiline=multiline)

    def text_value(self, value: object, path: PathParts, *, multiline: bool = False) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, f"must be a non-empty text, got {_describe(value)}")
        if not multiline and "\n" in value.strip():
            raise self.fail(path, "must be one line of text")
        return value.strip()

    def ident(self, value: object, path: PathParts) -> str:
        if value is None:
            raise self.fail(path, "required")
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            raise self.fail(
                path, f"must be an id of a-z, 0-9, '_' and '-' (got {_describe(value)})"
            )
        return value

    def ident_list(self, value: object, path: PathParts, *, non_empty: bool = False) -> list:
        items = self.sequence([] if value is None else value, path, non_empty=non_empty)
        seen: set[str] = set()
        for index, entry in enumerate(items):
            self.ident(entry, (*path, index))
            if entry in seen:
                raise self.fail((*path, index), f"{entry!r} is listed twice")
            seen.add(entry)
        return items

    def integer(self, item: Mapping, key: str, path: PathParts, *, minimum: int) -> int | None:
        value = item.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(
                (*path, key), f"must be an integer >= {minimum}, got {_describe(value)}"
            )
        return value

    def reference(self, value: object, path: PathParts, known: Mapping, kind: str) -> str:
        self.ident(value, path)
        if value not in known:
            raise self.fail(path, f"unknown {kind} {value!r}")
        return value  # type: ignore[return-value]

    def choice(self, item: Mapping, key: str, path: PathParts, choices: tuple[str, ...]) -> Any:
        value = item.get(key)
        if value is None:
            raise self.fail((*path, key), f"required, one of: {', '.join(choices)}")
        if value not in choices:
            raise self.fail((*path, key), f"must be one of {', '.join(choices)}, got {value!r}")
        return value

    def entries(self, data: Mapping, section: str, allowed: tuple[str, ...], build: Callable):
        """Validate every entry of a list section; return ``{id: built object}`` in order."""
        built: dict[str, Any] = {}
        if section not in data:
            raise self.fail((section,), "required")
        for index, entry in enumerate(self.sequence(data[section], (section,), non_empty=True)):
            path = (section, index)
            item = self.mapping(entry, path, allowed)
            object_id = self.ident(item.get("id"), (*path, "id"))
            if object_id in built:
                raise self.fail((*path, "id"), f"duplicate {section[:-1]} id {object_id!r}")
            built[object_id] = build(item, path, object_id)
        return built


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"{value!r} (YAML reads yes/no/on/off as booleans: quote the value)"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


_CENTER_FIELDS = ("name", "name_en", "timezone", "priority_reasons", "hours")
_ZONE_FIELDS = ("id", "name", "name_en", "name_bo", "floor")
_UNIT_FIELDS = ("id", "name", "name_en", "name_bo", "group", "short_name", "short_name_en", "icon")
_MATTER_FIELDS = ("id", "name", "name_en", "unit", "category", "service_minutes", "guide", "keywords")
_GUIDE_FIELDS = (
    "time_limit_days",
    "materials",
    "fees",
    "basis",
    "procedure",
    "on_the_spot",
    "notes",
)
_QUEUE_FIELDS = ("id", "name", "name_en", "prefix", "units", "matters", "per_slot")
_WINDOW_FIELDS = ("id", "number", "name", "name_en", "zone", "kind", "queues")


def _unit_icon(reader: _Reader, item: Mapping, path: PathParts) -> str:
    """A unit's ``icon``: a name of UNIT_ICONS, the government building when not given."""
    icon = item.get("icon")
    if icon is None:
        return DEFAULT_UNIT_ICON
    if isinstance(icon, str) and icon in UNIT_ICONS:
        return icon
    close = difflib.get_close_matches(str(icon), UNIT_ICONS, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise reader.fail((*path, "icon"), f"unknown icon {icon!r}{hint}; the icons are: {', '.join(UNIT_ICONS)}")


def parse_center(data: object, source: str = "<center>") -> Center:
    """Validate a parsed center document and build the ``Center`` it describes."""
    reader = _Reader(source)
    document = reader.mapping(data, (), SECTIONS)
    head = reader.mapping(document.get("center"), ("center",), _CENTER_FIELDS)
    name = reader.text(head, "name", ("center",), required=True)
    timezone = reader.text(head, "timezone", ("center",), required=True)
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise reader.fail(("center", "timezone"), f"unknown time zone {timezone!r}") from None
    reasons = DEFAULT_PRIORITY_REASONS
    if head.get("priority_reasons") is not None:
        path = ("center", "priority_reasons")
        reasons = tuple(reader.ident_list(head["priority_reasons"], path))
    hours = ServiceHours()
    if head.get("hours") is not None:
        if not isinstance(head["hours"], list):
            raise reader.fail(("center", "hours"), "must be a list like ['09:00-12:00', '14:00-17:30']")
        try:
            hours = ServiceHours.parse(head["hours"])
        except ValueError as exc:
            raise reader.fail(("center", "hours"), str(exc)) from None

    zones = reader.entries(
        document,
        "zones",
        _ZONE_FIELDS,
        lambda item, path, zone_id: Zone(
            id=zone_id,
            name=reader.text(item, "name", path, required=True),
            name_en=reader.text(item, "name_en", path),
            name_bo=reader.text(item, "name_bo", path),
            floor=reader.integer(item, "floor", path, minimum=-20),
        ),
    )
    units = reader.entries(
        document,
        "units",
        _UNIT_FIELDS,
        lambda item, path, unit_id: Unit(
            id=unit_id,
            name=reader.text(item, "name", path, required=True),
            name_en=reader.text(item, "name_en", path),
            name_bo=reader.text(item, "name_bo", path),
            group=reader.choice({"group": "standalone", **item}, "group", path, UNIT_GROUPS),
            short_name=reader.text(item, "short_name", path),
            short_name_en=reader.text(item, "short_name_en", path),
            icon=_unit_icon(reader, item, path),
        ),
    )
    matters = reader.entries(
        document,
        "matters",
        _MATTER_FIELDS,
        lambda item, path, matter_id: _parse_matter(reader, item, path, matter_id, units),
    )
    rules = document.get("rules")
    pickup_id = rules.get("pickup_queue") if isinstance(rules, dict) else None
    queues = reader.entries(
        document,
        "queues",
        _QUEUE_FIELDS,
        lambda item, path, queue_id: _parse_queue(reader, item, path, queue_id, units, matters,
                                                  pickup_id),
    )
    _check_prefixes(reader, queues)
    windows = reader.entries(
        document,
        "windows",
        _WINDOW_FIELDS,
        lambda item, path, window_id: _parse_window(reader, item, path, window_id, zones, queues),
    )
    _check_window_numbers(reader, windows)
    queues = _attach_windows(reader, queues, windows)
    matters = {
        matter.id: replace(matter, queue_id=_resolve_queue(reader, index, matter, queues))
        for index, matter in enumerate(matters.values())
    }
    return Center(
        name=name,
        timezone=timezone,
        zones=zones,
        units=units,
        matters=matters,
        queues=queues,
        windows=windows,
        name_en=reader.text(head, "name_en", ("center",)),
        priority_reasons=reasons,
        hours=hours,
        rules=parse_rules(reader, document.get("rules"), queues),
        calendar=parse_calendar(reader, document.get("calendar")),
    )


def _parse_queue(reader: _Reader, item, path, queue_id, units, matters, pickup_id=None) -> Queue:
    prefix = item.get("prefix")
    if prefix is None:
        raise reader.fail((*path, "prefix"), "required")
    if not isinstance(prefix, str) or not PREFIX_PATTERN.match(prefix):
        raise reader.fail(
            (*path, "prefix"), f"must be 1 to 3 uppercase letters A-Z, got {_describe(prefix)}"
        )
    unit_ids = reader.ident_list(item.get("units"), (*path, "units"))
    for index, unit_id in enumerate(unit_ids):
        reader.reference(unit_id, (*path, "units", index), units, "unit")
    matter_ids = reader.ident_list(item.get("matters"), (*path, "matters"))
    for index, matter_id in enumerate(matter_ids):
        reader.reference(matter_id, (*path, "matters", index), matters, "matter")
    if not unit_ids and not matter_ids and queue_id != pickup_id:
        # The pickup queue (rules.pickup_queue) may list neither: its tickets come from cases.
        raise reader.fail(path, f"queue {queue_id!r} lists neither units nor matters")
    return Queue(
        id=queue_id,
        name=reader.text(item, "name", path, required=True),
        prefix=prefix,
        unit_ids=tuple(unit_ids),
        matter_ids=tuple(matter_ids),
        name_en=reader.text(item, "name_en", path),
        per_slot=reader.integer(item, "per_slot", path, minimum=0),
    )


def _check_prefixes(reader: _Reader, queues: dict[str, Queue]) -> None:
    """Prefixes are unique and none starts another: "B012" must never read as "BA" + "012"."""
    earlier: list[Queue] = []
    for index, queue in enumerate(queues.values()):
        for other in earlier:
            if queue.prefix == other.prefix:
                problem = f"prefix {queue.prefix!r} is already used by queue {other.id!r}"
            elif queue.prefix.startswith(other.prefix) or other.prefix.startswith(queue.prefix):
                problem = (
                    f"prefix {queue.prefix!r} and prefix {other.prefix!r} of queue "
                    f"{other.id!r} start alike; no prefix may begin another"
                )
            else:
                continue
            raise reader.fail(("queues", index, "prefix"), problem)
        earlier.append(queue)


def _parse_window(reader: _Reader, item, path, window_id, zones, queues) -> Window:
    number = item.get("number")
    if number is None:
        raise reader.fail((*path, "number"), "required")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise reader.fail((*path, "number"), f"must be a positive integer, got {_describe(number)}")
    zone_id = reader.reference(item.get("zone"), (*path, "zone"), zones, "zone")
    kind = reader.choice(item, "kind", path, WINDOW_KINDS)
    queue_ids = reader.ident_list(item.get("queues"), (*path, "queues"), non_empty=True)
    for index, queue_id in enumerate(queue_ids):
        reader.reference(queue_id, (*path, "queues", index), queues, "queue")
    return Window(
        id=window_id,
        number=number,
        name=reader.text(item, "name", path, required=True),
        zone_id=zone_id,
        kind=kind,
        queue_ids=tuple(queue_ids),
        name_en=reader.text(item, "name_en", path),
    )


def _check_window_numbers(reader: _Reader, windows: dict[str, Window]) -> None:
    owners: dict[int, str] = {}
    for index, window in enumerate(windows.values()):
        if window.number in owners:
            raise reader.fail(
                ("windows", index, "number"),
                f"number {window.number} is already used by window {owners[window.number]!r}",
            )
        owners[window.number] = window.id


def _attach_windows(reader: _Reader, queues, windows) -> dict[str, Queue]:
    ordered = sorted(windows.values(), key=lambda window: window.number)
    resolved: dict[str, Queue] = {}
    for index, queue in enumerate(queues.values()):
        served_by = tuple(window.id for window in ordered if queue.id in window.queue_ids)
        if not served_by:
            raise reader.fail(("queues", index), f"queue {queue.id!r} is served by no window")
        resolved[queue.id] = replace(queue, window_ids=served_by)
    return resolved


def _parse_matter(reader: _Reader, item, path, matter_id, units) -> Matter:
    """Everything of a matter but its queue, which ``_resolve_queue`` fills in later."""
    unit_id = reader.reference(item.get("unit"), (*path, "unit"), units, "unit")
    category = reader.choice(item, "category", path, MATTER_CATEGORIES)
    minutes = item.get("service_minutes")
    if minutes is not None:
        if isinstance(minutes, bool) or not isinstance(minutes, int | float) or minutes <= 0:
            raise reader.fail(
                (*path, "service_minutes"), f"must be a positive number, got {_describe(minutes)}"
            )
        minutes = float(minutes)
    guide = None
    if item.get("guide") is not None:
        guide = _parse_guide(reader, item["guide"], (*path, "guide"))
    return Matter(
        id=matter_id,
        name=reader.text(item, "name", path, required=True),
        unit_id=unit_id,
        category=category,
        queue_id="",
        guide=guide,
        name_en=reader.text(item, "name_en", path),
        service_minutes=minutes,
        keywords=tuple(reader.text_value(word, (*path, "keywords", i))
                       for i, word in enumerate(reader.sequence(item.get("keywords") or [], (*path, "keywords")))),
    )


def _resolve_queue(reader: _Reader, index: int, matter: Matter, queues) -> str:
    """A queue that lists the matter by id wins over queues that list its unit."""
    matter_id = matter.id
    candidates = [queue.id for queue in queues.values() if matter_id in queue.matter_ids]
    how = "list the matter"
    if not candidates:
        candidates = [queue.id for queue in queues.values() if matter.unit_id in queue.unit_ids]
        how = f"list its unit {matter.unit_id!r}"
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        problem = f"matter {matter_id!r} belongs to no queue (no queue lists it or its unit)"
    else:
        names = ", ".join(repr(queue_id) for queue_id in candidates)
        problem = f"matter {matter_id!r} belongs to {len(candidates)} queues ({names} {how})"
    raise reader.fail(("matters", index), problem)


def _parse_guide(reader: _Reader, value: object, path: PathParts) -> Guide:
    item = reader.mapping(value, path, _GUIDE_FIELDS)
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("materials", "procedure"):
        entries = reader.sequence(item.get(key) or [], (*path, key))
        lists[key] = tuple(
            reader.text_value(entry, (*path, key, index)) for index, entry in enumerate(entries)
        )
    on_the_spot = item.get("on_the_spot", False)
    if not isinstance(on_the_spot, bool):
        raise reader.fail((*path, "on_the_spot"), f"must be true or false, got {on_the_spot!r}")
    return Guide(
        time_limit_days=reader.integer(item, "time_limit_days", path, minimum=0),
        materials=lists["materials"],
        fees=reader.text(item, "fees", path),
        basis=reader.text(item, "basis", path, multiline=True),
        procedure=lists["procedure"],
        on_the_spot=on_the_spot,
        notes=reader.text(item, "notes", path, multiline=True),
    )
