"""What the lobby kiosk reads."""

from __future__ import annotations

from typing import Any

from . import Answer


class NamedRef(Answer):
    name: str


class KioskDevice(Answer):
    id: int
    name: str


class KioskConfig(Answer):
    device: KioskDevice
    center: NamedRef
    idle_s: int
    priority_reasons: list[str]
    printer: dict[str, Any]


class KioskMatter(Answer):
    """A matter as the kiosk searches it (pinyin and initials for ``hkqr`` → 户口迁入)."""

    id: str
    name: str
    name_en: str | None
    category: str | None
    unit_id: str
    unit_name: str
    group: str | None
    queue_id: str
    prefix: str
    window_numbers: list[int]
    guide: dict[str, Any] | None
    pinyin: str
    initials: str
    unit_pinyin: str
    unit_initials: str
    unit_short_name: str | None = None  # addition: the department's everyday name (社保)
    keys: list[dict[str, str]] | None = None  # addition: keywords and everyday names, with pinyin
