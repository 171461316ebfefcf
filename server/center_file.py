"""Center definition files: load them (with the line at fault in every error), and write
a center back as a document.

The file format is described in docs/center-file.md; the rules are checked by
``server.center_validation.parse_center``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from server.center_rules import rules_document
from server.center_validation import PathParts, format_path, parse_center
from server.queueing.center import Center, Matter, Queue, Window
from server.queueing.errors import CenterDefinitionError

__all__ = ["DEMO_CENTER_PATH", "center_to_document", "load_center_file", "load_demo_center",
           "parse_center"]

DEMO_CENTER_PATH = Path(__file__).resolve().parent / "centers" / "haibei.yaml"
# libyaml's parser when PyYAML was built with it: the demo hall loads several times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# --- files -------------------------------------------------------------------------


def load_center_file(path: str | os.PathLike[str]) -> Center:
    """Read, parse and validate a UTF-8 YAML center file.

    Errors name the file and, where the YAML parser or the document knows it, the line.
    """
    source = os.fspath(path)
    try:
        raw = Path(source).read_bytes()
    except FileNotFoundError:
        raise CenterDefinitionError(f"{source}: no such file", source=source) from None
    except OSError as error:
        raise CenterDefinitionError(
            f"{source}: cannot read the file ({error.strerror or error})", source=source
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CenterDefinitionError(
            f"{source}:{line}: the file is not UTF-8 (byte {error.start})", source=source, line=line
        ) from None
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise CenterDefinitionError(f"{source}: the file is empty", source=source)
        _check_duplicate_keys(source, node)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        where = f"{source}:{line}" if line is not None else source
        problem = error.problem or error.context or "invalid YAML"
        raise CenterDefinitionError(
            f"{where}: YAML syntax error: {problem}", source=source, line=line
        ) from None
    except yaml.YAMLError as error:
        message = " ".join(str(error).split())
        raise CenterDefinitionError(f"{source}: YAML error: {message}", source=source) from None
    finally:
        loader.dispose()
    try:
        return parse_center(data, source)
    except CenterDefinitionError as error:
        line = _line_of(node, error.details.get("path", ()))
        if line is None:
            raise
        where = format_path(error.details["path"]) or "(document)"
        raise CenterDefinitionError(
            f"{source}:{line}: {where}: {error.details['problem']}",
            **{**error.details, "line": line},
        ) from None


def _check_duplicate_keys(source: str, node: yaml.Node) -> None:
    """PyYAML keeps the last of two equal keys silently; a center file must not."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in current.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in seen:
                        line = key_node.start_mark.line + 1
                        raise CenterDefinitionError(
                            f"{source}:{line}: key {key_node.value!r} appears twice",
                            source=source,
                            line=line,
                        )
                    seen.add(key_node.value)
                stack.append(value_node)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def _line_of(node: yaml.Node, path: PathParts) -> int | None:
    """The 1-based line of the deepest node on ``path`` that the document has."""
    for part in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((value for key, value in node.value if key.value == part), None)
            if child is None:  # an unknown or missing key: point at the key or the mapping
                child = next((key for key, _value in node.value if key.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if part < len(node.value) else None
        if child is None:
            break
        node = child
    return node.start_mark.line + 1 if node.start_mark is not None else None


def load_demo_center() -> Center:
    """The bundled demo center: the Haibei Prefecture hall of ``docs/domain.md``."""
    return load_center_file(DEMO_CENTER_PATH)


# --- back to a document ------------------------------------------------------------


def center_to_document(center: Center) -> dict[str, Any]:
    """The file-format document of a center; ``parse_center`` reads it back equal."""
    head: dict[str, Any] = {"name": center.name, "name_en": center.name_en}
    head.update(timezone=center.timezone, priority_reasons=list(center.priority_reasons))
    if center.hours:
        head["hours"] = center.hours.to_texts()
    document = {
        "center": _without_none(head),
        "zones": [_without_none(zone.to_dict()) for zone in center.zones.values()],
        "units": [_without_none(unit.to_dict()) for unit in center.units.values()],
        "matters": [_matter_document(matter) for matter in center.matters.values()],
        "queues": [_queue_document(queue) for queue in center.queues.values()],
        "windows": [_window_document(window) for window in center.windows.values()],
    }
    if rules_document(center.rules):
        document["rules"] = rules_document(center.rules)
    if center.calendar:
        document["calendar"] = center.calendar.to_texts()
    return document


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _matter_document(matter: Matter) -> dict[str, Any]:
    minutes = matter.service_minutes
    if minutes is not None and minutes.is_integer():
        minutes = int(minutes)
    document = {
        "id": matter.id,
        "name": matter.name,
        "name_en": matter.name_en,
        "unit": matter.unit_id,
        "category": matter.category,
        "service_minutes": minutes,
        "keywords": list(matter.keywords) or None,
    }
    if matter.guide is not None:
        guide = _without_none(matter.guide.to_dict())
        document["guide"] = {key: value for key, value in guide.items() if value != []}
    return _without_none(document)


def _queue_document(queue: Queue) -> dict[str, Any]:
    document: dict[str, Any] = {"id": queue.id, "name": queue.name, "name_en": queue.name_en}
    document["prefix"] = queue.prefix
    if queue.unit_ids:
        document["units"] = list(queue.unit_ids)
    if queue.matter_ids:
        document["matters"] = list(queue.matter_ids)
    if queue.per_slot is not None:
        document["per_slot"] = queue.per_slot
    return _without_none(document)


def _window_document(window: Window) -> dict[str, Any]:
    document = {
        "id": window.id,
        "number": window.number,
        "name": window.name,
        "name_en": window.name_en,
        "zone": window.zone_id,
        "kind": window.kind,
        "queues": list(window.queue_ids),
    }
    return _without_none(document)
