"""Rate limits on the public calls, per device key, staff token or address.

Mark a view with ``@limited("read")`` or ``@limited("write")``; ``init_limits`` binds
every marked view of the app to the hub's own ``PublicLimits`` once all blueprints are
in. Who is counted:

* a request with a valid ``X-Device-Key`` counts against its device
  (``RATELIMIT_DEVICE``, generous: kiosks and the hall's screens must never wait), and so
  does a partner's signed request (verified before the view: the provincial platform
  books for a whole province from one address);
* one with a valid staff bearer token against that token (``RATELIMIT_STAFF``);
* anything else against its client address: ``RATELIMIT_ADDRESS`` for reads (ticket
  status, QR codes, the phone page) and ``RATELIMIT_ADDRESS_WRITE`` for writes (logins,
  bookings). A made-up key or token is counted by address, so it buys nothing.

Each kind of call is one bucket per caller, shared by every view of that kind, counted
over a sliding window (``limits``' sliding-window counter, the library under
flask-limiter, in flask-limiter's notation: ``"100 per minute"``). The counts live in
``RATELIMIT_STORAGE_URL``: Redis (the message queue by default) when hubs run together,
so a limit holds across hubs; memory for one hub. If Redis is away, the hub keeps
counting in memory rather than refusing visitors, and tries Redis again every few
seconds. A caller over the limit gets 429 ``rate_limited`` with ``Retry-After`` (seconds).

The check is made here, in the view's wrapper, with the limits parsed once: going through
flask-limiter's decorator cost about a tenth of a kiosk's ``POST /tickets`` (it resolves
and filters its limits, exemptions and blueprints on every request).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, request
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

from server.services.errors import ServiceError

from .errors import error_response
from .parsing import bearer_token, current_g, current_request, partner, request_device, staff

KINDS = ("read", "write")
_MARK = "_yimen_limit"
View = TypeVar("View", bound=Callable)
log = logging.getLogger(__name__)

RETRY_STORAGE_S = 5.0  # how long the hub counts in memory before trying Redis again


def limited(kind: str) -> Callable[[View], View]:
    """Mark a view as a public call of ``kind`` (``read`` or ``write``)."""
    if kind not in KINDS:
        raise ValueError(f"limit kind must be one of {KINDS}")

    def mark(view: View) -> View:
        setattr(view, _MARK, kind)
        return view

    return mark


def caller() -> tuple[str, str]:
    """(``device`` | ``staff`` | ``address``, an identifier), resolved once per request."""
    store = current_g()
    found = store.get("yimen_caller")
    if found is None:
        found = _resolve_caller()
        store.yimen_caller = found
    return found


def _resolve_caller() -> tuple[str, str]:
    signed = partner()
    if signed is not None:
        return "device", str(signed.id)
    req = current_request()
    if req.headers.get("X-Device-Key"):
        try:
            return "device", str(request_device().id)
        except ServiceError:
            pass
    elif bearer_token():
        try:
            staff()
            return "staff", hashlib.sha256(bearer_token().encode()).hexdigest()[:32]
        except ServiceError:
            pass
    return "address", req.remote_addr or "unknown"


class RateLimited(Exception):
    """A caller over one of its limits: answered 429 with ``Retry-After``."""

    def __init__(self, item: RateLimitItem, retry_after: int) -> None:
        super().__init__(str(item))
        self.item = item
        self.retry_after = retry_after


class MemoryCounts:
    """A sliding-window counter in this process's memory, as ``limits``' strategy counts
    (the last window's count weighted by how much of it still overlaps, plus this
    window's), without its storage's expiry timer: that started a thread every few
    requests. Old windows are forgotten when the table grows."""

    MAX_KEYS = 50_000

    def __init__(self) -> None:
        self._counts: dict[tuple, list] = {}  # key → [window index, this window's count, the last's]
        self._lock = threading.Lock()

    def _entry(self, key: tuple, expiry: int, now: float) -> tuple[list, float]:
        index, into = divmod(now, expiry)
        entry = self._counts.get(key)
        if entry is None or entry[0] < index - 1:
            if entry is None and len(self._counts) >= self.MAX_KEYS:
                self._forget_before(now)
            entry = self._counts[key] = [index, 0, 0]
        elif entry[0] == index - 1:
            entry[:] = [index, 0, entry[1]]
        return entry, into

    def _forget_before(self, now: float) -> None:
        self._counts = {key: entry for key, entry in self._counts.items()
                        if entry[0] >= now // key[-1] - 1}

    def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        expiry = item.get_expiry()
        with self._lock:
            entry, into = self._entry((*identifiers, item.amount, expiry), expiry, time.time())
            weighted = entry[2] * (expiry - into) / expiry + entry[1]
            if math.floor(weighted) + 1 > item.amount:
                return False
            entry[1] += 1
            return True

    def retry_after(self, item: RateLimitItem, *identifiers: str) -> int:
        """Seconds until this window ends: the next call is let through by then."""
        expiry = item.get_expiry()
        return max(1, math.ceil(expiry - time.time() % expiry))

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


class PublicLimits:
    """The buckets of the public calls: each (caller kind, call kind) has its limits,
    parsed once from the configuration; each caller its own count of each."""

    def __init__(self, config, storage_uri: str, key_prefix: str) -> None:
        def items(name: str) -> tuple[RateLimitItem, ...]:
            return tuple(parse_many(config[name]))

        device, staff = items("RATELIMIT_DEVICE"), items("RATELIMIT_STAFF")
        self.items = {("device", "read"): device, ("device", "write"): device,
                      ("staff", "read"): staff, ("staff", "write"): staff,
                      ("address", "read"): items("RATELIMIT_ADDRESS"),
                      ("address", "write"): items("RATELIMIT_ADDRESS_WRITE")}
        self.key_prefix = key_prefix
        self.fallback = MemoryCounts()
        if storage_uri.startswith("memory://"):
            self.storage = None
            self.strategy = self.fallback
        else:
            self.storage = storage_from_string(storage_uri)
            self.strategy = SlidingWindowCounterRateLimiter(self.storage)
        self._dead_until = 0.0  # the storage failed: count in memory until then
        self._lock = threading.Lock()

    def _strategy(self):
        if self._dead_until and time.monotonic() >= self._dead_until:
            with self._lock:
                if self._dead_until and time.monotonic() >= self._dead_until:
                    if self._storage_works():
                        log.info("rate limit storage recovered")
                        self._dead_until = 0.0
                    else:
                        self._dead_until = time.monotonic() + RETRY_STORAGE_S
        return self.fallback if self._dead_until else self.strategy

    def _storage_works(self) -> bool:
        if self.storage is None:
            return True
        try:
            return bool(self.storage.check())
        except Exception:  # noqa: BLE001 - still away
            return False

    def hit(self, kind: str, who: str, ident: str) -> None:
        """Count one call of ``kind`` by this caller; RateLimited when over a limit."""
        identifiers = (self.key_prefix, f"public-{kind}", f"{who}:{ident}")
        strategy = self._strategy()
        try:
            self._hit(strategy, kind, who, identifiers)
        except RateLimited:
            raise
        except Exception:  # noqa: BLE001 - the storage is away: count in memory meanwhile
            if strategy is self.fallback:
                log.exception("rate limiting failed; the call is let through")
                return
            log.warning("rate limit storage unreachable - counting in memory for now")
            self._dead_until = time.monotonic() + RETRY_STORAGE_S
            self._hit(self.fallback, kind, who, identifiers)

    def _hit(self, strategy, kind: str, who: str, identifiers: tuple[str, ...]) -> None:
        for item in self.items[(who, kind)]:
            if not strategy.hit(item, *identifiers):
                raise RateLimited(item, _retry_after(strategy, item, identifiers))

    def reset(self) -> None:
        self.fallback.reset()
        if self.storage is not None:
            try:
                self.storage.reset()
            except Exception:  # noqa: BLE001 - a storage that cannot reset (or is away)
                pass


def _retry_after(strategy, item: RateLimitItem, identifiers: tuple[str, ...]) -> int:
    if isinstance(strategy, MemoryCounts):
        return strategy.retry_after(item, *identifiers)
    try:
        reset_at = strategy.get_window_stats(item, *identifiers).reset_time
        return max(1, math.ceil(reset_at - time.time()))
    except Exception:  # noqa: BLE001 - storage hiccup: a minute is a safe hint
        return 60


def init_limits(app: Flask) -> PublicLimits | None:
    """Bind the marked views to this app's limits; call after every blueprint."""
    if not app.config.get("RATELIMIT_ENABLED", True):
        return None
    limits = PublicLimits(app.config, app.config.get("RATELIMIT_STORAGE_URL") or "memory://",
                          f"yimen-limits:{app.config.get('MESSAGE_QUEUE_CHANNEL', 'yimen')}")
    for endpoint, view in list(app.view_functions.items()):
        kind = getattr(view, _MARK, None)
        if kind is not None:
            app.view_functions[endpoint] = _checked(view, kind, limits)
    app.extensions["yimen"].limiter = limits

    @app.errorhandler(RateLimited)
    def _rate_limited(exc: RateLimited):
        retry_after = exc.retry_after
        if request.path.startswith("/api/"):
            response = error_response(
                429, "rate_limited", f"too many requests ({exc.item}); try again in {retry_after} s")
        else:  # a page: a line a visitor can read
            response = current_app.response_class(
                f"请求过于频繁，请 {retry_after} 秒后再试。Too many requests; try again in {retry_after} s.\n",
                status=429, mimetype="text/plain")
        response.headers["Retry-After"] = str(retry_after)
        return response

    return limits


def _checked(view: Callable, kind: str, limits: PublicLimits) -> Callable:
    @functools.wraps(view)
    def checked(*args, **kwargs):
        limits.hit(kind, *caller())
        return view(*args, **kwargs)

    return checked
