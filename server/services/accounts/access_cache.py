"""Who holds a device key or a staff token, remembered for a second.

Every REST call names its caller, and looking the key or token up in the database on
each one was the largest single cost of a kiosk's ``POST /tickets``. A successful
lookup is therefore kept for ``TTL_S`` (five seconds), and never beyond the session's
own expiry. Revocation still takes effect at once: any unit of work that ends a session or
disables a user or device (``server/db/repositories/accounts.py`` marks it) empties this
hub's cache when it commits and tells the other hubs, over the dirty bus, to empty
theirs (``Hub.access_changed``); if that message is lost (Redis away), the other hubs'
entries run out within ``TTL_S``. Failed lookups are never kept. At a hall's own pace
(a kiosk issues a ticket every few seconds at most) many lookups still go to the
database; the cache pays in bursts, when the same kiosks and counters call many times
a second.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

TTL_S = 5.0
MAX_ENTRIES = 10_000  # a hall has a few hundred devices and staff; a flood is simply dropped


class AccessCache:
    def __init__(self, ttl_s: float = TTL_S) -> None:
        self.ttl_s = ttl_s
        self._entries: dict[tuple[str, str], tuple[float, datetime | None, object]] = {}
        self._lock = threading.Lock()
        self._generation = 0

    def get(self, kind: str, digest: str, now: datetime) -> object | None:
        entry = self._entries.get((kind, digest))
        if entry is None:
            return None
        until, expires_at, value = entry
        if time.monotonic() >= until or (expires_at is not None and now >= expires_at):
            self._entries.pop((kind, digest), None)
            return None
        return value

    def generation(self) -> int:
        """Take before the lookup, give to ``put``: a clear in between wins over the put."""
        return self._generation

    def put(self, kind: str, digest: str, value: object, generation: int,
            expires_at: datetime | None = None) -> None:
        with self._lock:
            if generation != self._generation:
                return  # access changed while the database was read: do not keep it
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[(kind, digest)] = (time.monotonic() + self.ttl_s, expires_at, value)

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()
