"""Who holds a device key or a staff token, remembered for a second.

Every REST call names its caller, and looking the key or token up in the database on
each one was the largest single cost of a kiosk's ``POST /tickets``. A successful
lookup is therefore kept for ``TTL_S`` (five seconds), and never beyond the session's
own expiry. Revocation still takes effect at once: any unit of work that ends a session or
disables a user or device (``server/db/repositories/accounts.py`` marks it) empties this
hub's cache when it commits and tells the other hubs, over the dirty bus, to empty
theirs (``Hub.access_changed``). A hub that may miss that message (its dirty bus not
subscribed: Redis away, or not yet reached at start) keeps nothing meanwhile
(``trust``, from ``realtime/queue_link.py``), and empties the cache when it hears the
others again; only a message lost in the moment before the break is noticed can leave an
entry, for ``TTL_S`` at most. Failed lookups are never kept. At a hall's own pace
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
        self._trusted = True  # False: another hub's revocation might not reach this one

    def trust(self, heard: bool) -> None:
        """Whether this hub hears the others' revocations now: while it does not, nothing
        is kept; each change empties the cache (what was kept before a break, and what a
        lost message might have revoked)."""
        if heard != self._trusted:
            with self._lock:
                self._trusted = heard
                self._generation += 1
                self._entries.clear()

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
            if generation != self._generation or not self._trusted:
                return  # access changed while the database was read, or cannot be heard
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[(kind, digest)] = (time.monotonic() + self.ttl_s, expires_at, value)

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()
