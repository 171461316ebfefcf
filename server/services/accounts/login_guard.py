"""Slowing down password guessing: a username with too many failed logins is held off.

After ``MAX_FAILURES`` wrong passwords within ``WINDOW_S`` seconds, logins for that
username are refused for ``LOCK_S`` seconds (429 ``too_many_attempts``), whatever the
password. Counted per hub process in memory: a restart forgets, which is acceptable
for a brake meant to make guessing slow, not to record anything.
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque

from ..errors import ServiceError

MAX_FAILURES = 5
WINDOW_S = 300.0
LOCK_S = 300.0


class TooManyAttemptsError(ServiceError):
    code = "too_many_attempts"


class LoginGuard:
    def __init__(self, max_failures: int = MAX_FAILURES, window_s: float = WINDOW_S,
                 lock_s: float = LOCK_S) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.lock_s = lock_s
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def check(self, username: str, now: float) -> None:
        """Raise TooManyAttemptsError while ``username`` is held off."""
        with self._lock:
            until = self._locked_until.get(username)
            if until is not None and now < until:
                raise TooManyAttemptsError(
                    f"too many failed logins for {username!r}; try again in "
                    f"{int(until - now) + 1} s", retry_after_s=int(until - now) + 1)
            if until is not None:
                del self._locked_until[username]

    def failed(self, username: str, now: float) -> None:
        with self._lock:
            recent = self._failures[username]
            recent.append(now)
            while recent and recent[0] < now - self.window_s:
                recent.popleft()
            if len(recent) >= self.max_failures:
                self._locked_until[username] = now + self.lock_s
                recent.clear()

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username, None)
