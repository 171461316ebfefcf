"""Column types shared by the tables."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import DateTime, Text
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC; always returns aware UTC datetimes.

    SQLite keeps no zone, PostgreSQL's ``timestamptz`` does; this makes both alike.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def json_text(value) -> str:
    """The text ``JSONText`` stores for a value."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class JSONText(TypeDecorator):
    """JSON kept as text: identical on SQLite and PostgreSQL, UTF-8 unescaped."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return json_text(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return json.loads(value)
