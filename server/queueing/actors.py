"""Who did something: a staff user, a registered device, the visitor, or the hub itself."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    kind: str  # "user" | "device" | "visitor" | "system"
    id: str
    name: str | None = None
    role: str | None = None

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"

    @classmethod
    def system(cls) -> Actor:
        return cls("system", "hub")

    @classmethod
    def visitor(cls) -> Actor:
        return cls("visitor", "anonymous")
