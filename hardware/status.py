"""The state a printer reports about itself.

Kept in its own module so that the pure encoder (which parses status bytes) and the
printer backends can share it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PrinterStatus:
    """What is known about a printer right now.

    ``known`` is true only when the printer itself answered. Every other field is
    ``None`` when the printer did not say. A status that is not known is never
    ``ok``: silence is not good health.
    """

    known: bool
    online: bool | None = None
    paper_out: bool | None = None
    paper_near_end: bool | None = None
    cover_open: bool | None = None
    error: str | None = None
    detail: str | None = None

    @property
    def ok(self) -> bool:
        """True when the printer answered, is online, has paper and a closed cover."""
        return (
            self.known
            and self.online is True
            and self.paper_out is not True
            and self.cover_open is not True
        )
