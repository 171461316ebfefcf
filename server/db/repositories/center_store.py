"""The center definition as loaded, kept as a JSON document with its history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from ..tables import center_documents as c


class CenterStore:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def current(self) -> dict | None:
        row = self.conn.execute(select(c.c.document).order_by(c.c.id.desc()).limit(1)).first()
        return row[0] if row else None

    def save(self, document: dict, source: str, at: datetime) -> None:
        self.conn.execute(insert(c).values(document=document, source=source[:500], loaded_at=at))
